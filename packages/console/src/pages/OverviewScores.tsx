import { Alert, Card, Col, Row, Statistic, Table, Tag } from 'antd';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { AsyncView } from '../components/AsyncView.tsx';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { useI18n } from '../i18n.tsx';
import {
  ACTIVITY_TAGS,
  type RankingPage,
  type RankingRow,
  rfmGroupName,
  type ScoreDistribution,
  score,
  tagName,
  VALUE_COLORS,
  VALUE_NAMES,
} from '../scores.ts';
import { useApi } from '../use-api.ts';

const ACTIVITY_COLORS = ['#c2410c', '#fb923c', '#fed7aa', '#d4d4d4'];

/** The overview's value-engine part: activity tags, RFM groups, the four values, bands, and the top of two rankings. */
export function OverviewScores() {
  const { t } = useI18n();
  const dist = useApi<ScoreDistribution>('/v1/overview/scores');
  const tags = useApi<{ tags: { tag: string; customers: number }[] }>('/v1/tags');
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      <Col span={8}>
        <Card title={t('overview.activity')}>
          <AsyncView loaded={tags} isEmpty={(d) => !d.tags.some((x) => x.tag.startsWith('activity:'))}>
            {(d) => <ActivityChart tags={d.tags} />}
          </AsyncView>
        </Card>
      </Col>
      <Col span={16}>
        <AsyncView loaded={dist}>
          {(d) =>
            d.run === null ? (
              <Alert type="info" showIcon title={t('overview.notScored')} />
            ) : (
              <Distribution d={d} />
            )
          }
        </AsyncView>
      </Col>
      <Col span={12}>
        <TopCard kind="super_user" title={t('overview.topSuper')} />
      </Col>
      <Col span={12}>
        <TopCard kind="koc_candidate" title={t('overview.topKoc')} />
      </Col>
    </Row>
  );
}

function ActivityChart({ tags }: { tags: { tag: string; customers: number }[] }) {
  const { lang, shop } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          data: ACTIVITY_TAGS.map((tag, i) => ({
            name: tagName(tag, lang, shop),
            value: tags.find((x) => x.tag === tag)?.customers ?? 0,
            itemStyle: { color: ACTIVITY_COLORS[i] },
          })),
        },
      ],
    }),
    [tags, lang, shop],
  );
  return <Chart option={option} height={300} testId="chart-activity" />;
}

function Distribution({ d }: { d: ScoreDistribution }) {
  const { t, lang } = useI18n();
  const options = useMemo(() => {
    const rfm: ChartOption = {
      tooltip: {},
      grid: { left: 110, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: d.rfm_groups.map((g) => rfmGroupName(g.code, lang)) },
      series: [{ type: 'bar', data: d.rfm_groups.map((g) => g.customers), itemStyle: { color: '#c2410c' } }],
    };
    const values: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 24 },
      xAxis: { type: 'category', data: d.values.consumption.map((b) => `${b.from}–${b.to}`) },
      yAxis: { type: 'value', name: t('overview.customersAxis') },
      series: VALUE_NAMES.map((v) => ({
        name: t(`value.${v}`),
        type: 'bar',
        data: d.values[v].map((b) => b.customers),
        itemStyle: { color: VALUE_COLORS[v] },
      })),
    };
    return { rfm, values };
  }, [d, lang, t]);
  const band = (b: string) => d.bands.find((x) => x.band === b)?.customers ?? 0;
  return (
    <Row gutter={[16, 16]}>
      {(
        [
          ['overview.superUsers', band('super_user')],
          ['overview.kocCandidates', d.koc_candidates],
          ['band.second_tier', band('second_tier')],
        ] as const
      ).map(([key, n]) => (
        <Col span={8} key={key}>
          <Card size="small">
            <Statistic title={t(key)} value={n} />
          </Card>
        </Col>
      ))}
      <Col span={10}>
        <Card title={t('overview.rfmGroups')} size="small">
          <Chart option={options.rfm} height={260} testId="chart-rfm-groups" />
        </Card>
      </Col>
      <Col span={14}>
        <Card title={t('overview.values')} size="small">
          <Chart option={options.values} height={260} testId="chart-value-distribution" />
        </Card>
      </Col>
    </Row>
  );
}

function TopCard({ kind, title }: { kind: 'super_user' | 'koc_candidate'; title: string }) {
  const { t } = useI18n();
  const loaded = useApi<RankingPage>(`/v1/rankings?kind=${kind}&limit=5`);
  return (
    <Card title={title} size="small" extra={<Link to={`/rankings?kind=${kind}`}>{t('nav.rankings')}</Link>}>
      <AsyncView loaded={loaded} isEmpty={(p) => p.rows.length === 0}>
        {(p) => (
          <Table<RankingRow>
            size="small"
            rowKey="customer_id"
            pagination={false}
            dataSource={p.rows}
            columns={[
              {
                title: t('rankings.customer'),
                key: 'c',
                render: (_: unknown, r: RankingRow) => (
                  <Link to={`/customers/${r.customer_id}`}>{r.display ?? `#${r.customer_id}`}</Link>
                ),
              },
              ...VALUE_NAMES.map((v) => ({ title: t(`value.${v}`), dataIndex: v, align: 'right' as const })),
              {
                title: kind === 'koc_candidate' ? t('value.koc') : t('value.total'),
                key: 'score',
                align: 'right' as const,
                render: (_: unknown, r: RankingRow) => (
                  <Tag color="orange">{score(kind === 'koc_candidate' ? r.koc : r.total)}</Tag>
                ),
              },
            ]}
          />
        )}
      </AsyncView>
    </Card>
  );
}
