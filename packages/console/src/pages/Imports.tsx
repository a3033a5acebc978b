import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Descriptions, Progress, Space, Table, Tag, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { api, type ImportProblem, type ImportState, type ReasonCount } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../i18n-dictionary.ts';
import { useSession } from '../session.tsx';

const POLL_MS = 500;

/** Upload a shop export, follow its progress, then read the summary and the rejected rows. */
export function ImportsPage() {
  const { t, describeError } = useI18n();
  const { can } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [current, setCurrent] = useState<ImportState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = () => {
    if (!file) {
      return;
    }
    const form = new FormData();
    form.set('file', file);
    form.set('dry_run', String(dryRun));
    setBusy(true);
    setError(null);
    api<ImportState>('/v1/imports', { method: 'POST', body: form })
      .then(setCurrent, (e: unknown) => setError(describeError(e)))
      .finally(() => setBusy(false));
  };

  // Poll while the import runs; the server answers progress as the share of bytes read.
  useEffect(() => {
    if (current?.status !== 'running') {
      return;
    }
    const timer = setTimeout(() => {
      api<ImportState>(`/v1/imports/${current.id}`).then(setCurrent, (e: unknown) =>
        setError(describeError(e)),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [current, describeError]);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('imports.upload')}>
        {can('imports.create') ? (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Upload.Dragger
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                return false;
              }}
              onRemove={() => setFile(null)}
              data-testid="import-file"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('imports.choose')}</p>
              <p className="ant-upload-hint">{t('imports.hint')}</p>
            </Upload.Dragger>
            <Space>
              <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
                {t('imports.dryRun')}
              </Checkbox>
              <Button type="primary" disabled={!file} loading={busy} onClick={start}>
                {t('imports.start')}
              </Button>
            </Space>
          </Space>
        ) : (
          <Alert type="info" showIcon title={t('imports.notAllowed')} />
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      </Card>
      {current && <ImportReport state={current} />}
    </Space>
  );
}

function ImportReport({ state }: { state: ImportState }) {
  const { t, lang } = useI18n();
  const failure = (lang === 'zh' && state.failure_zh) || state.failure;
  const s = state.summary;
  const color = { running: 'processing', done: 'success', failed: 'error', interrupted: 'warning' }[
    state.status
  ];
  return (
    <Card
      title={`${state.file_name} #${state.id}`}
      extra={
        <Tag color={color} data-testid="import-status">
          {t(`imports.status.${state.status}` as MessageKey)}
        </Tag>
      }
    >
      <Progress
        percent={Math.round(state.progress * 100)}
        status={state.status === 'failed' ? 'exception' : state.status === 'running' ? 'active' : 'success'}
      />
      {failure && (
        <Alert type="error" title={failure} style={{ margin: '12px 0' }} data-testid="import-failure" />
      )}
      {state.status !== 'running' && (
        <>
          <Descriptions column={4} size="small" style={{ marginTop: 16 }} data-testid="import-summary">
            <Descriptions.Item label={t('imports.format')}>{state.format ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('imports.rowsRead')}>{s.rows_read ?? 0}</Descriptions.Item>
            <Descriptions.Item label={t('imports.rowsImported')}>{s.rows_imported ?? 0}</Descriptions.Item>
            <Descriptions.Item label={t('imports.rowsRejected')}>{s.rows_rejected ?? 0}</Descriptions.Item>
            <Descriptions.Item label={t('imports.rowsSkipped')}>{s.rows_skipped ?? 0}</Descriptions.Item>
            <Descriptions.Item label={t('imports.orders')}>{s.orders ?? 0}</Descriptions.Item>
            <Descriptions.Item label={t('imports.customers')}>
              {s.customers_before ?? 0} → {s.customers_after ?? 0}
            </Descriptions.Item>
            <Descriptions.Item label={t('imports.merges')}>{s.merges ?? 0}</Descriptions.Item>
            {(s.order_items_attached !== undefined || s.order_items_waiting !== undefined) && (
              <Descriptions.Item label={t('imports.orderItems')} span={4}>
                {t('imports.orderItemsValue', {
                  attached: s.order_items_attached ?? 0,
                  waiting: s.order_items_waiting ?? 0,
                })}
                {s.order_items_problems?.map((p) => (
                  <div key={p.order_id} data-testid="order-items-problem">
                    {t('imports.orderItemsProblem', {
                      order: p.order_id,
                      reason: (lang === 'zh' && p.reason_zh) || p.reason,
                    })}
                  </div>
                ))}
              </Descriptions.Item>
            )}
          </Descriptions>
          {(s.reasons?.length ?? 0) > 0 && <ReasonCounts reasons={s.reasons ?? []} />}
          <Problems importId={state.id} />
        </>
      )}
    </Card>
  );
}

/** The columns the report and its counts share: rejected or skipped, and the column at fault. */
function kindAndColumn(t: ReturnType<typeof useI18n>['t']) {
  return [
    {
      title: t('imports.kind'),
      dataIndex: 'kind',
      width: 90,
      render: (k: string) => (
        <Tag color={k === 'rejected' ? 'red' : 'default'}>{t(`imports.kind.${k}` as MessageKey)}</Tag>
      ),
    },
    {
      title: t('imports.column'),
      dataIndex: 'column',
      width: 160,
      render: (c: string | null) => c ?? '—',
    },
  ];
}

/** How many lines each reason cost, largest first: what to fix first in the next export. */
function ReasonCounts({ reasons }: { reasons: ReasonCount[] }) {
  const { t, lang } = useI18n();
  return (
    <Card type="inner" title={t('imports.byReason')} style={{ marginTop: 16 }}>
      <Table
        rowKey={(r) => `${r.kind}-${r.code}-${r.column ?? ''}`}
        size="small"
        dataSource={reasons}
        pagination={false}
        data-testid="import-reasons"
        columns={[
          ...kindAndColumn(t),
          { title: t('imports.lines'), dataIndex: 'count', width: 90, align: 'right' },
          {
            title: t('imports.example'),
            key: 'example',
            render: (_: unknown, r: ReasonCount) => r.example[lang],
          },
        ]}
      />
    </Card>
  );
}

/** The report, a server page at a time (after_line cursor). */
function Problems({ importId }: { importId: number }) {
  const { t, lang, describeError } = useI18n();
  const [rows, setRows] = useState<ImportProblem[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (after: number | null) =>
    api<{ problems: ImportProblem[]; next_after_line: number | null }>(
      `/v1/imports/${importId}/problems?limit=50${after === null ? '' : `&after_line=${after}`}`,
    ).then(
      (page) => {
        setRows((r) => [...(after === null ? [] : (r ?? [])), ...page.problems]);
        setNext(page.next_after_line);
      },
      (e: unknown) => setError(describeError(e)),
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: load the first page once per import.
  useEffect(() => {
    setRows(null);
    void load(null);
  }, [importId]);
  if (error) {
    return <Alert type="error" title={error} />;
  }
  return (
    <Card type="inner" title={t('imports.problems')} style={{ marginTop: 16 }}>
      <Table
        rowKey={(p) => `${p.line}-${p.kind}`}
        size="small"
        loading={rows === null}
        dataSource={rows ?? []}
        pagination={false}
        data-testid="import-problems"
        locale={{ emptyText: t('imports.noProblems') }}
        columns={[
          { title: t('imports.line'), dataIndex: 'line', width: 80 },
          ...kindAndColumn(t),
          {
            title: t('imports.problemReason'),
            key: 'reason',
            render: (_: unknown, p: ImportProblem) => (lang === 'zh' && p.reason_zh) || p.reason,
          },
        ]}
      />
      {next !== null && (
        <Button style={{ marginTop: 12 }} onClick={() => void load(next)}>
          {t('imports.more')}
        </Button>
      )}
    </Card>
  );
}
