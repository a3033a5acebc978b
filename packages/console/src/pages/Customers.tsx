import { Button, Card, Input, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { CustomerSummary } from '../api.ts';
import { AsyncView } from '../components/AsyncView.tsx';
import { yuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { useApi } from '../use-api.ts';

const PAGE = 20;

/** Search by any identity, or page through every customer (keyset pages from the server). */
export function CustomersPage() {
  const { t, shop } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const after = params.get('after');
  const [text, setText] = useState(q);
  const path =
    q !== ''
      ? `/v1/customers?q=${encodeURIComponent(q)}`
      : `/v1/customers?limit=${PAGE}${after ? `&after=${after}` : ''}`;
  const loaded = useApi<{ customers: CustomerSummary[]; next_after?: number | null }>(path);
  const columns = [
    {
      title: t('customers.id'),
      dataIndex: 'id',
      render: (id: number) => <Link to={`/customers/${id}`}>{id}</Link>,
    },
    {
      title: t('customers.main'),
      key: 'main',
      render: (_: unknown, c: CustomerSummary) => (c.main_masked ? `${c.main_masked} · ${c.main_kind}` : '—'),
    },
    { title: t('customers.identities'), dataIndex: 'identities' },
    {
      title: t('customers.shops'),
      dataIndex: 'shops',
      render: (shops: string[]) => shops.map((s) => <Tag key={s}>{shop(s)}</Tag>),
    },
    { title: t('customers.orders'), dataIndex: 'orders', align: 'right' as const },
    {
      title: t('customers.paid'),
      dataIndex: 'paid_fen',
      align: 'right' as const,
      render: (f: number) => yuan(f),
    },
  ];
  return (
    <Card title={t('nav.customers')}>
      <Space style={{ marginBottom: 16 }}>
        <Input.Search
          style={{ width: 420 }}
          placeholder={t('customers.search')}
          enterButton={t('customers.searchButton')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(value) => setParams(value.trim() ? { q: value.trim() } : {})}
          allowClear
          data-testid="customer-search"
        />
        {q !== '' && (
          <Button
            onClick={() => {
              setText('');
              setParams({});
            }}
          >
            {t('customers.clear')}
          </Button>
        )}
      </Space>
      <AsyncView loaded={loaded}>
        {(data) => (
          <>
            <Table<CustomerSummary>
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={data.customers}
              pagination={false}
              locale={{ emptyText: q !== '' ? t('customers.noMatch') : t('state.empty') }}
            />
            {q === '' && (
              <Space style={{ marginTop: 16 }}>
                <Button disabled={!after} onClick={() => setParams({})}>
                  {t('customers.first')}
                </Button>
                <Button
                  disabled={!data.next_after}
                  onClick={() => setParams({ after: String(data.next_after) })}
                >
                  {t('customers.next')}
                </Button>
              </Space>
            )}
          </>
        )}
      </AsyncView>
    </Card>
  );
}
