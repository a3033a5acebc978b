import { Button, Card, Space, Table } from 'antd';
import { useState } from 'react';
import { AsyncView } from '../components/AsyncView.tsx';
import { dateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';

type Entry = {
  id: number;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
  created_at: string;
};

/** Admins only (the server refuses others): who logged in, unmasked, undid a merge, imported… */
export function AuditPage() {
  const { t } = useI18n();
  const { timeZone } = useSession();
  const [before, setBefore] = useState<number[]>([]);
  const cursor = before.at(-1);
  const loaded = useApi<{ entries: Entry[]; next_before: number | null }>(
    `/v1/audit?limit=20${cursor === undefined ? '' : `&before=${cursor}`}`,
  );
  return (
    <Card title={t('nav.audit')}>
      <AsyncView loaded={loaded}>
        {(data) => (
          <>
            <Table<Entry>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={data.entries}
              data-testid="audit"
              columns={[
                {
                  title: t('audit.time'),
                  dataIndex: 'created_at',
                  render: (v: string) => dateTime(v, timeZone),
                },
                { title: t('audit.actor'), dataIndex: 'actor' },
                { title: t('audit.action'), dataIndex: 'action' },
                { title: t('audit.target'), dataIndex: 'target' },
                {
                  title: t('audit.detail'),
                  dataIndex: 'detail',
                  render: (d: unknown) => <code>{JSON.stringify(d)}</code>,
                },
              ]}
            />
            <Space style={{ marginTop: 16 }}>
              <Button disabled={before.length === 0} onClick={() => setBefore([])}>
                {t('customers.first')}
              </Button>
              <Button
                disabled={data.next_before === null}
                onClick={() =>
                  data.next_before !== null && setBefore((b) => [...b, data.next_before as number])
                }
              >
                {t('audit.older')}
              </Button>
            </Space>
          </>
        )}
      </AsyncView>
    </Card>
  );
}
