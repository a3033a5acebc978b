import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type CustomerSummary } from '../api.ts';
import { AsyncView } from '../components/AsyncView.tsx';
import { FilterBuilder } from '../components/FilterBuilder.tsx';
import type { Catalogue, FilterNode, Segment, TagCount } from '../filters.ts';
import { dateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { BAND_COLORS, type Band, score, tagName } from '../scores.ts';
import { emptyGroup, fromFilter, type Group, toFilter } from '../segment-builder.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { useDebounced } from '../use-debounced.ts';

const SAMPLE = 10;

/**
 * Saved segments with their counts, and the builder over the filter language: a live count
 * (debounced POST /v1/segments/preview) and a sample of the customers it selects; save, rename,
 * delete (segments.manage), export (customers.export), and each segment's customers in the
 * Customers page.
 */
export function SegmentsPage() {
  const { t } = useI18n();
  const catalogue = useApi<Catalogue>('/v1/segments/fields');
  const segments = useApi<{ segments: Segment[] }>('/v1/segments');
  const tags = useApi<{ tags: TagCount[] }>('/v1/tags');
  const [editing, setEditing] = useState<Segment | null>(null);
  const [root, setRoot] = useState<Group>(() => emptyGroup());
  const builderRef = useRef<HTMLDivElement>(null);
  const reload = segments.state === 'ready' ? segments.reload : () => undefined;
  // `?edit=<id>` (from the Customers page) opens that segment in the builder once both are loaded.
  const [params, setParams] = useSearchParams();
  const editParam = params.get('edit');
  const list = segments.state === 'ready' ? segments.data.segments : null;
  const fields = catalogue.state === 'ready' ? catalogue.data.fields : null;
  useEffect(() => {
    const wanted = list?.find((s) => String(s.id) === editParam);
    if (wanted && fields) {
      setEditing(wanted);
      setRoot(fromFilter(wanted.filter, fields));
      setParams({}, { replace: true });
    }
  }, [editParam, list, fields, setParams]);

  const edit = (segment: Segment, fields: Catalogue['fields']) => {
    setEditing(segment);
    setRoot(fromFilter(segment.filter, fields));
    builderRef.current?.scrollIntoView({ behavior: 'smooth' });
  };
  const startNew = () => {
    setEditing(null);
    setRoot(emptyGroup());
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('segments.list')}
        extra={
          <Button onClick={startNew} data-testid="segment-new">
            {t('segments.new')}
          </Button>
        }
      >
        <AsyncView loaded={segments}>
          {(data) => (
            <SegmentTable
              segments={data.segments}
              onEdit={(s) => catalogue.state === 'ready' && edit(s, catalogue.data.fields)}
              onChanged={(deleted) => {
                if (deleted !== undefined && editing?.id === deleted) {
                  startNew();
                }
                reload();
              }}
            />
          )}
        </AsyncView>
      </Card>
      <div ref={builderRef}>
        <Card title={editing ? t('segments.editing', { name: editing.name }) : t('segments.builder')}>
          <AsyncView loaded={catalogue}>
            {(cat) => (
              <Builder
                catalogue={cat}
                tags={tags.state === 'ready' ? tags.data.tags : []}
                root={root}
                onChange={setRoot}
                editing={editing}
                onSaved={(segment) => {
                  setEditing(segment);
                  reload();
                }}
              />
            )}
          </AsyncView>
        </Card>
      </div>
    </Space>
  );
}

function SegmentTable({
  segments,
  onEdit,
  onChanged,
}: {
  segments: Segment[];
  onEdit: (segment: Segment) => void;
  onChanged: (deleted?: number) => void;
}) {
  const { t, describeError } = useI18n();
  const { can, timeZone } = useSession();
  const { message } = AntApp.useApp();
  const [renaming, setRenaming] = useState<Segment | null>(null);
  const manage = can('segments.manage');
  const remove = (segment: Segment) =>
    api(`/v1/segments/${segment.id}`, { method: 'DELETE' }).then(
      () => {
        void message.success(t('segments.deleted'));
        onChanged(segment.id);
      },
      (e: unknown) => void message.error(describeError(e)),
    );
  return (
    <>
      <Table<Segment>
        rowKey="id"
        size="middle"
        data-testid="segments"
        pagination={false}
        dataSource={segments}
        locale={{ emptyText: t('segments.empty') }}
        columns={[
          {
            title: t('segments.name'),
            dataIndex: 'name',
            render: (name: string) => <span data-testid="segment-name">{name}</span>,
          },
          {
            title: t('segments.count'),
            key: 'count',
            align: 'right' as const,
            // keyed by updated_at: a changed filter is counted again
            render: (_: unknown, s: Segment) => <SegmentCount key={s.updated_at} id={s.id} />,
          },
          {
            title: t('segments.updated'),
            key: 'updated',
            render: (_: unknown, s: Segment) => `${s.updated_by} · ${dateTime(s.updated_at, timeZone)}`,
          },
          {
            title: t('segments.actions'),
            key: 'actions',
            render: (_: unknown, s: Segment) => (
              <Space wrap size="small">
                <Link to={`/customers?segment=${s.id}`}>{t('segments.openCustomers')}</Link>
                <Button size="small" onClick={() => onEdit(s)}>
                  {t('segments.edit')}
                </Button>
                {manage && (
                  <Button size="small" onClick={() => setRenaming(s)}>
                    {t('segments.rename')}
                  </Button>
                )}
                {can('customers.export') && (
                  <>
                    <Button size="small" href={`/v1/segments/${s.id}/export?format=csv`}>
                      CSV
                    </Button>
                    <Button size="small" href={`/v1/segments/${s.id}/export?format=xlsx`}>
                      Excel
                    </Button>
                  </>
                )}
                {manage && (
                  <Popconfirm
                    title={t('segments.deleteConfirm', { name: s.name })}
                    onConfirm={() => remove(s)}
                  >
                    <Button size="small" danger>
                      {t('segments.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {renaming && (
        <NameModal
          title={t('segments.renameTitle')}
          initial={renaming.name}
          onCancel={() => setRenaming(null)}
          onSubmit={(name) =>
            api<Segment>(`/v1/segments/${renaming.id}`, {
              method: 'PUT',
              body: JSON.stringify({ name, filter: renaming.filter }),
            }).then((saved) => {
              void message.success(t('segments.saved', { name: saved.name }));
              setRenaming(null);
              onChanged();
            })
          }
        />
      )}
    </>
  );
}

/** Each segment is counted apart (GET /v1/segments/:id), so the list shows before its counts. */
function SegmentCount({ id }: { id: number }) {
  const { t, describeError } = useI18n();
  const loaded = useApi<{ count: number }>(`/v1/segments/${id}`);
  if (loaded.state === 'loading') {
    return <Spin size="small" />;
  }
  if (loaded.state === 'error') {
    return (
      <Typography.Text type="danger" title={describeError(loaded.error)}>
        {t('state.error')}
      </Typography.Text>
    );
  }
  return <span data-testid="segment-count">{loaded.data.count.toLocaleString('en-US')}</span>;
}

function NameModal({
  title,
  initial,
  onCancel,
  onSubmit,
}: {
  title: string;
  initial: string;
  onCancel: () => void;
  onSubmit: (name: string) => Promise<void>;
}) {
  const { t, describeError } = useI18n();
  const [name, setName] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (name.trim() === '') {
      setError(t('segments.nameRequired'));
      return;
    }
    setBusy(true);
    onSubmit(name.trim())
      .catch((e: unknown) => setError(describeError(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Modal open title={title} onCancel={onCancel} onOk={submit} confirmLoading={busy} destroyOnHidden>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item label={t('segments.name')} validateStatus={error ? 'error' : undefined} help={error}>
          <Input
            autoFocus
            data-testid="segment-name-input"
            maxLength={100}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
            onPressEnter={submit}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type Preview =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; count: number }
  | { state: 'error'; message: string };

/** The live count of a filter: POSTed when it has not changed for a moment; stale answers are dropped. */
function usePreview(filterJson: string | null): Preview {
  const { describeError } = useI18n();
  const settled = useDebounced(filterJson, 400);
  const [preview, setPreview] = useState<{ json: string; result: Preview } | null>(null);
  useEffect(() => {
    if (settled === null) {
      return;
    }
    let live = true;
    api<{ count: number }>('/v1/segments/preview', {
      method: 'POST',
      body: JSON.stringify({ filter: JSON.parse(settled) as FilterNode }),
    }).then(
      (r) => live && setPreview({ json: settled, result: { state: 'ready', count: r.count } }),
      (e: unknown) =>
        live &&
        setPreview({
          json: settled,
          result: { state: 'error', message: describeError(e) },
        }),
    );
    return () => {
      live = false;
    };
  }, [settled, describeError]);
  if (filterJson === null) {
    return { state: 'idle' };
  }
  return preview && preview.json === filterJson ? preview.result : { state: 'loading' };
}

function Builder({
  catalogue,
  tags,
  root,
  onChange,
  editing,
  onSaved,
}: {
  catalogue: Catalogue;
  tags: TagCount[];
  root: Group;
  onChange: (root: Group) => void;
  editing: Segment | null;
  onSaved: (segment: Segment) => void;
}) {
  const { t, describeError } = useI18n();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const [naming, setNaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const result = useMemo(() => toFilter(root, catalogue.fields), [root, catalogue]);
  const filterJson = result.ok ? JSON.stringify(result.filter) : null;
  const preview = usePreview(filterJson);
  const settled = useDebounced(filterJson, 400);
  const sample = useApi<{ customers: CustomerSummary[] }>(
    settled === null ? null : `/v1/customers?limit=${SAMPLE}&filter=${encodeURIComponent(settled)}`,
  );
  const manage = can('segments.manage');
  const save = (name: string, id?: number) => {
    if (!result.ok) {
      return Promise.resolve();
    }
    return api<Segment>(id === undefined ? '/v1/segments' : `/v1/segments/${id}`, {
      method: id === undefined ? 'POST' : 'PUT',
      body: JSON.stringify({ name, filter: result.filter }),
    }).then((segment) => {
      void message.success(t('segments.saved', { name: segment.name }));
      setNaming(false);
      onSaved(segment);
    });
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {!manage && (
        <Alert type="info" showIcon title={t('segments.readOnly')} data-testid="segments-read-only" />
      )}
      <FilterBuilder
        root={root}
        onChange={onChange}
        catalogue={catalogue}
        tags={tags}
        incomplete={result.ok ? [] : result.incomplete}
      />
      <Space align="center" size="large" wrap>
        <div data-testid="live-count">
          {preview.state === 'idle' && !result.ok && (
            <Typography.Text type="warning">
              {t('segments.incomplete', { n: result.incomplete.length })}
            </Typography.Text>
          )}
          {preview.state === 'loading' && <Spin size="small" description={t('customers.counting')} />}
          {preview.state === 'error' && <Alert type="error" showIcon title={preview.message} />}
          {preview.state === 'ready' && (
            <Statistic
              title={t('segments.count')}
              value={preview.count}
              formatter={(v) => (
                <span data-testid="live-count-value">{Number(v).toLocaleString('en-US')}</span>
              )}
            />
          )}
        </div>
        {manage && (
          <Space>
            {editing && (
              <Button
                type="primary"
                disabled={!result.ok}
                loading={busy}
                onClick={() => {
                  setBusy(true);
                  save(editing.name, editing.id)
                    .catch((e: unknown) => void message.error(describeError(e)))
                    .finally(() => setBusy(false));
                }}
              >
                {t('segments.saveChanges')}
              </Button>
            )}
            <Button
              type={editing ? 'default' : 'primary'}
              disabled={!result.ok}
              onClick={() => setNaming(true)}
            >
              {t('segments.saveNew')}
            </Button>
          </Space>
        )}
      </Space>
      <div>
        <Typography.Title level={5}>{t('segments.sample', { n: SAMPLE })}</Typography.Title>
        {settled === null ? (
          <Typography.Text type="secondary">
            {t('segments.incomplete', { n: result.ok ? 0 : result.incomplete.length })}
          </Typography.Text>
        ) : (
          <AsyncView loaded={sample}>{(data) => <SampleTable rows={data.customers} />}</AsyncView>
        )}
      </div>
      {naming && (
        <NameModal
          title={t('segments.saveTitle')}
          initial=""
          onCancel={() => setNaming(false)}
          onSubmit={(name) => save(name)}
        />
      )}
    </Space>
  );
}

function SampleTable({ rows }: { rows: CustomerSummary[] }) {
  const { t, lang, shop } = useI18n();
  return (
    <Table<CustomerSummary>
      rowKey="id"
      size="small"
      data-testid="segment-sample"
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: t('customers.noFilterMatch') }}
      columns={[
        {
          title: t('customers.id'),
          dataIndex: 'id',
          render: (id: number) => <Link to={`/customers/${id}`}>{id}</Link>,
        },
        {
          title: t('customers.main'),
          key: 'main',
          render: (_: unknown, c: CustomerSummary) => c.main_masked ?? '—',
        },
        { title: t('customers.orders'), dataIndex: 'orders', align: 'right' as const },
        {
          title: t('value.total'),
          dataIndex: 'total',
          align: 'right' as const,
          render: (n: number | null) => (n === null ? '—' : score(n)),
        },
        {
          title: t('value.band'),
          dataIndex: 'band',
          render: (b: Band | null) => (b ? <Tag color={BAND_COLORS[b]}>{t(`band.${b}`)}</Tag> : '—'),
        },
        {
          title: t('customers.tags'),
          dataIndex: 'tags',
          render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tagName(tag, lang, shop)}</Tag>),
        },
      ]}
    />
  );
}
