import { EyeOutlined, UndoOutlined } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Popconfirm,
  Row,
  Space,
  Table,
  Tag,
  Timeline,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Customer360, type TimelineEvent } from '../api.ts';
import { AsyncView } from '../components/AsyncView.tsx';
import { dateTime, yuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../i18n-dictionary.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { CustomerScoresSection } from './CustomerScores.tsx';

const TIMELINE_PAGE = 20;

export function CustomerPage() {
  const { id } = useParams();
  const [unmask, setUnmask] = useState(false);
  const loaded = useApi<Customer360>(
    `/v1/customers/${id}?limit=${TIMELINE_PAGE}${unmask ? '&unmask=true' : ''}`,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new customer starts masked again.
  useEffect(() => setUnmask(false), [id]);
  return (
    <AsyncView loaded={loaded}>
      {(c) => (
        <Profile
          customer={c}
          unmasked={unmask}
          onUnmask={() => setUnmask(true)}
          reload={loaded.state === 'ready' ? loaded.reload : () => undefined}
        />
      )}
    </AsyncView>
  );
}

function Profile({
  customer: c,
  unmasked,
  onUnmask,
  reload,
}: {
  customer: Customer360;
  unmasked: boolean;
  onUnmask: () => void;
  reload: () => void;
}) {
  const { t, shop, describeError } = useI18n();
  const { can, timeZone } = useSession();
  const { message } = AntApp.useApp();
  const at = (iso: string | null) => dateTime(iso, timeZone);
  const [undoError, setUndoError] = useState<string | null>(null);
  const undo = (mergeId: number) =>
    api<{ restored_customer_id: number }>(`/v1/merges/${mergeId}/undo`, { method: 'POST' }).then(
      (r) => {
        void message.success(t('customer.undoDone', { id: r.restored_customer_id }));
        reload();
      },
      (e: unknown) => setUndoError(describeError(e)),
    );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('customer.title', { id: c.id })} data-testid="customer-title">
        {c.requested_id !== c.id && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('customer.mergedInto', { from: c.requested_id })}
          />
        )}
        <Descriptions column={4} size="small">
          <Descriptions.Item label={t('customer.total')}>{yuan(c.totals.paid_fen)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.orders')}>{c.totals.orders}</Descriptions.Item>
          <Descriptions.Item label={t('customer.refunded')}>{yuan(c.totals.refunded_fen)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.created')}>{at(c.created_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <CustomerScoresSection customerId={c.id} />
      <Row gutter={16}>
        <Col span={12}>
          <Card
            title={t('customer.identities')}
            extra={
              can('customers.unmask') &&
              !unmasked && (
                <Button
                  icon={<EyeOutlined />}
                  size="small"
                  onClick={onUnmask}
                  title={t('customer.unmaskNote')}
                >
                  {t('customer.unmask')}
                </Button>
              )
            }
          >
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.identities}
              columns={[
                { title: t('customer.kind'), dataIndex: 'kind' },
                {
                  title: t('customer.value'),
                  dataIndex: 'value',
                  render: (v: string) => <span data-testid="identity-value">{v}</span>,
                },
                { title: t('customer.scope'), dataIndex: 'scope', render: (s: string | null) => s ?? '—' },
                { title: t('customer.firstSeen'), dataIndex: 'first_seen_at', render: at },
              ]}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('customer.shops')}>
            <Table
              rowKey="shop"
              size="small"
              pagination={false}
              dataSource={c.shops}
              columns={[
                { title: t('customer.shop'), dataIndex: 'shop', render: (s: string) => shop(s) },
                { title: t('customer.orders'), dataIndex: 'orders', align: 'right' },
                { title: t('customer.paid'), dataIndex: 'paid_fen', align: 'right', render: yuan },
                { title: t('customer.refunded'), dataIndex: 'refunded_fen', align: 'right', render: yuan },
                { title: t('customer.net'), dataIndex: 'net_fen', align: 'right', render: yuan },
                { title: t('customer.lastPaid'), dataIndex: 'last_paid_at', render: at },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card title={t('customer.merges')}>
        {undoError && <Alert type="error" showIcon title={undoError} style={{ marginBottom: 12 }} closable />}
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={c.merges}
          data-testid="merges"
          columns={[
            { title: '#', dataIndex: 'id' },
            {
              title: t('customer.reason'),
              dataIndex: 'reason',
              render: (r: string) => t(`customer.reason.${r}` as MessageKey),
            },
            {
              title: t('customer.from'),
              dataIndex: 'from_customer_id',
              render: (id: number) => <Link to={`/customers/${id}`}>{id}</Link>,
            },
            {
              title: t('customer.to'),
              dataIndex: 'to_customer_id',
              render: (id: number) => <Link to={`/customers/${id}`}>{id}</Link>,
            },
            {
              title: t('customer.record'),
              dataIndex: 'record',
              render: (r: { source: string; event_id: string } | null) =>
                r ? `${r.source}/${r.event_id}` : '—',
            },
            { title: t('customer.at'), dataIndex: 'created_at', render: at },
            {
              key: 'undo',
              render: (_: unknown, m: Customer360['merges'][number]) =>
                m.undone_at !== null ? (
                  <Tag>{t('customer.undone')}</Tag>
                ) : m.reason !== 'undo' && can('merges.undo') ? (
                  <Popconfirm title={t('customer.undoConfirm')} onConfirm={() => undo(m.id)}>
                    <Button size="small" danger icon={<UndoOutlined />}>
                      {t('customer.undo')}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
      <Row gutter={16}>
        <Col span={14}>
          <Card title={t('customer.orderList')}>
            <Table
              rowKey={(o) => `${o.shop}/${o.order_id}`}
              size="small"
              dataSource={c.orders}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('customer.shop'), dataIndex: 'shop', render: (s: string) => shop(s) },
                { title: t('customer.orderId'), dataIndex: 'order_id' },
                { title: t('customer.paidAt'), dataIndex: 'paid_at', render: at },
                { title: t('customer.paid'), dataIndex: 'paid_fen', align: 'right', render: yuan },
                { title: t('customer.refunded'), dataIndex: 'refunded_fen', align: 'right', render: yuan },
                { title: t('customer.status'), dataIndex: 'status' },
              ]}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card title={t('customer.communities')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.communities}
              columns={[
                { title: t('customer.community'), dataIndex: 'name' },
                { title: t('customer.joined'), dataIndex: 'joined_at', render: at },
                {
                  key: 'member',
                  render: (_: unknown, m: Customer360['communities'][number]) =>
                    m.member ? (
                      <Tag color="green">{t('customer.member')}</Tag>
                    ) : (
                      <Tag>{t('customer.notMember')}</Tag>
                    ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <CustomerTimeline customerId={c.id} first={c.timeline} />
    </Space>
  );
}

/** The first page comes with the profile; "load more" follows the cursor. */
function CustomerTimeline({ customerId, first }: { customerId: number; first: Customer360['timeline'] }) {
  const { t, describeError } = useI18n();
  const { timeZone } = useSession();
  const [events, setEvents] = useState<TimelineEvent[]>(first.events);
  const [cursor, setCursor] = useState(first.next_cursor);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setEvents(first.events);
    setCursor(first.next_cursor);
  }, [first]);
  const more = () => {
    setBusy(true);
    api<Customer360>(
      `/v1/customers/${customerId}?limit=${TIMELINE_PAGE}&cursor=${encodeURIComponent(cursor ?? '')}`,
    )
      .then(
        (c) => {
          setEvents((e) => [...e, ...c.timeline.events]);
          setCursor(c.timeline.next_cursor);
          setError(null);
        },
        (e: unknown) => setError(describeError(e)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Card title={t('customer.timeline')}>
      {events.length === 0 ? (
        t('state.empty')
      ) : (
        <Timeline
          items={events.map((e) => ({
            key: e.id,
            children: (
              <span>
                <b>{dateTime(e.occurred_at, timeZone)}</b> · <Tag>{e.kind}</Tag> {e.source}
                {typeof e.properties.amount_fen === 'number' ? ` · ${yuan(e.properties.amount_fen)}` : ''}
              </span>
            ),
          }))}
        />
      )}
      {error && <Alert type="error" title={error} />}
      {cursor && (
        <Button onClick={more} loading={busy}>
          {t('customer.loadMore')}
        </Button>
      )}
    </Card>
  );
}
