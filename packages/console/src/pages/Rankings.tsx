import { Alert, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { AsyncView } from '../components/AsyncView.tsx';
import { dateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import {
  BAND_COLORS,
  type Band,
  type RankingKind,
  type RankingPage,
  type RankingRow,
  type Reason,
  reasonText,
  rfmGroupName,
  score,
  VALUE_NAMES,
} from '../scores.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';

const KINDS: readonly RankingKind[] = ['super_user', 'second_tier', 'koc_candidate', 'total'];
const PAGE = 20;

function isKind(value: string | null): value is RankingKind {
  return value !== null && (KINDS as readonly string[]).includes(value);
}

/** Super users, second-tier core, KOC candidates and everyone by total, keyset-paged by the server. */
export function RankingsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const raw = params.get('kind');
  const kind: RankingKind = isKind(raw) ? raw : 'super_user';
  return (
    <Card title={t('nav.rankings')}>
      <Tabs
        activeKey={kind}
        onChange={(k) => setParams({ kind: k })}
        items={KINDS.map((k) => ({ key: k, label: t(`rankings.tab.${k}`) }))}
      />
      <RankingTable key={kind} kind={kind} />
    </Card>
  );
}

function RankingTable({ kind }: { kind: RankingKind }) {
  const { t, lang, describeError } = useI18n();
  const { timeZone } = useSession();
  const navigate = useNavigate();
  const first = useApi<RankingPage>(`/v1/rankings?kind=${kind}&limit=${PAGE}`);
  const [more, setMore] = useState<{ rows: RankingRow[]; cursor: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const firstPage = first.state === 'ready' ? first.data : null;
  useEffect(() => {
    setMore(firstPage ? { rows: [], cursor: firstPage.next_cursor } : null);
  }, [firstPage]);
  const loadMore = (cursor: string) => {
    setBusy(true);
    api<RankingPage>(`/v1/rankings?kind=${kind}&limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`)
      .then(
        (page) => {
          setMore((m) => ({ rows: [...(m?.rows ?? []), ...page.rows], cursor: page.next_cursor }));
          setError(null);
        },
        (e: unknown) => setError(describeError(e)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <AsyncView loaded={first}>
      {(page) => {
        if (page.run === null) {
          return <Alert type="info" showIcon title={t('rankings.noRun')} data-testid="rankings-no-run" />;
        }
        const rows = [...page.rows, ...(more?.rows ?? [])];
        const cursor = more ? more.cursor : page.next_cursor;
        return (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text type="secondary">
              {t('rankings.asOf', { at: dateTime(page.run.as_of, timeZone), v: page.run.model_version })}
              {kind === 'koc_candidate' && ` · ${t('rankings.kocHint')}`}
            </Typography.Text>
            <Table<RankingRow & { rank: number }>
              rowKey="customer_id"
              size="small"
              data-testid="ranking"
              pagination={false}
              dataSource={rows.map((r, i) => ({ ...r, rank: i + 1 }))}
              locale={{ emptyText: t('state.empty') }}
              onRow={(r) => ({
                onClick: () => navigate(`/customers/${r.customer_id}`),
                style: { cursor: 'pointer' },
              })}
              columns={[
                { title: t('rankings.rank'), dataIndex: 'rank', width: 64 },
                {
                  title: t('rankings.customer'),
                  key: 'customer',
                  render: (_: unknown, r: RankingRow) => (
                    <Link to={`/customers/${r.customer_id}`} data-testid="ranking-customer">
                      {r.display ?? `#${r.customer_id}`}
                    </Link>
                  ),
                },
                {
                  title: t('rankings.rfm'),
                  key: 'rfm',
                  render: (_: unknown, r: RankingRow) => (
                    <span title={rfmGroupName(r.rfm_group, lang)}>
                      {r.r}/{r.f}/{r.m} · {rfmGroupName(r.rfm_group, lang)}
                    </span>
                  ),
                },
                ...VALUE_NAMES.map((v) => ({
                  title: t(`value.${v}`),
                  dataIndex: v,
                  align: 'right' as const,
                })),
                {
                  title: t('value.total'),
                  dataIndex: 'total',
                  align: 'right' as const,
                  render: (n: number) => <b data-testid="ranking-total">{score(n)}</b>,
                },
                ...(kind === 'koc_candidate'
                  ? [{ title: t('value.koc'), dataIndex: 'koc', align: 'right' as const, render: score }]
                  : []),
                {
                  title: t('value.band'),
                  dataIndex: 'band',
                  render: (b: Band, r: RankingRow) => (
                    <>
                      <Tag color={BAND_COLORS[b]}>{t(`band.${b}`)}</Tag>
                      {r.koc_candidate && <Tag color="purple">{t('koc.candidate')}</Tag>}
                    </>
                  ),
                },
                {
                  title: t('rankings.reasons'),
                  dataIndex: 'reasons',
                  render: (reasons: Reason[]) => (
                    <div style={{ fontSize: 12, lineHeight: 1.6 }}>
                      {reasons.map((r) => (
                        <div key={`${r.code}-${r.code === 'top_value' ? r.value : ''}`}>
                          {reasonText(t, r)}
                        </div>
                      ))}
                    </div>
                  ),
                },
              ]}
            />
            {error && <Alert type="error" showIcon title={error} />}
            <Space>
              <Typography.Text type="secondary">{t('rankings.shown', { n: rows.length })}</Typography.Text>
              {cursor && (
                <Button onClick={() => loadMore(cursor)} loading={busy}>
                  {t('rankings.loadMore')}
                </Button>
              )}
            </Space>
          </Space>
        );
      }}
    </AsyncView>
  );
}
