import { Card, Col, Row, Statistic } from 'antd';
import { useMemo } from 'react';
import { AsyncView } from '../components/AsyncView.tsx';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { yuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { useApi } from '../use-api.ts';
import { OverviewScores } from './OverviewScores.tsx';

type Overview = {
  time_zone: string;
  totals: { customers: number; buyers: number; orders: number; paid_fen: number };
  by_shop: { shop: string; customers: number; orders: number; paid_fen: number }[];
  overlap: { a: string; b: string; customers: number }[];
  by_shop_count: { shops: number; customers: number }[];
  by_month: { month: string; orders: number; paid_fen: number }[];
};

export function OverviewPage() {
  const loaded = useApi<Overview>('/v1/overview');
  return (
    <AsyncView loaded={loaded} isEmpty={(o) => o.totals.customers === 0}>
      {(o) => (
        <>
          <OverviewCharts overview={o} />
          <OverviewScores />
        </>
      )}
    </AsyncView>
  );
}

function OverviewCharts({ overview: o }: { overview: Overview }) {
  const { t, shop } = useI18n();
  const shops = o.by_shop.map((s) => s.shop);
  const options = useMemo(() => {
    const byShop: ChartOption = {
      tooltip: {},
      grid: { left: 80, right: 24, top: 16, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: shops.map(shop), inverse: true },
      series: [{ type: 'bar', data: o.by_shop.map((s) => s.customers), itemStyle: { color: '#c2410c' } }],
    };
    const index = new Map(shops.map((s, i) => [s, i]));
    const cells = o.overlap.flatMap((p) => [
      [index.get(p.a) ?? 0, index.get(p.b) ?? 0, p.customers],
      [index.get(p.b) ?? 0, index.get(p.a) ?? 0, p.customers],
    ]);
    const overlap: ChartOption = {
      tooltip: {},
      // The scale stands at the right: below the grid its handles' numbers ran into the shop names.
      grid: { left: 80, right: 88, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: shops.map(shop) },
      yAxis: { type: 'category', data: shops.map(shop) },
      visualMap: {
        min: 0,
        max: Math.max(1, ...o.overlap.map((p) => p.customers)),
        orient: 'vertical',
        right: 0,
        top: 'middle',
        itemHeight: 120,
        calculable: true,
        inRange: { color: ['#fff7ed', '#c2410c'] },
      },
      series: [{ type: 'heatmap', data: cells, label: { show: true } }],
    };
    const shopCount: ChartOption = {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          data: o.by_shop_count.map((s) => ({
            name: t('overview.shopCountLabel', { n: s.shops }),
            value: s.customers,
          })),
        },
      ],
    };
    const byMonth: ChartOption = {
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 56, top: 24, bottom: 24 },
      xAxis: { type: 'category', data: o.by_month.map((m) => m.month) },
      yAxis: [
        { type: 'value' },
        { type: 'value', axisLabel: { formatter: (v: number) => `¥${Math.round(v / 100)}` } },
      ],
      series: [
        {
          name: t('overview.orders'),
          type: 'bar',
          data: o.by_month.map((m) => m.orders),
          itemStyle: { color: '#fdba74' },
        },
        {
          name: t('overview.paid'),
          type: 'line',
          yAxisIndex: 1,
          data: o.by_month.map((m) => m.paid_fen),
          itemStyle: { color: '#c2410c' },
          tooltip: { valueFormatter: (v: number) => yuan(v) },
        },
      ],
    };
    return { byShop, overlap, shopCount, byMonth };
  }, [o, shops, shop, t]);
  return (
    <Row gutter={[16, 16]}>
      {(
        [
          ['overview.customers', o.totals.customers.toLocaleString()],
          ['overview.buyers', o.totals.buyers.toLocaleString()],
          ['overview.orders', o.totals.orders.toLocaleString()],
          ['overview.paid', yuan(o.totals.paid_fen)],
        ] as const
      ).map(([key, value]) => (
        <Col span={6} key={key}>
          <Card>
            <Statistic title={t(key)} value={value} />
          </Card>
        </Col>
      ))}
      <Col span={12}>
        <Card title={t('overview.byShop')}>
          <Chart option={options.byShop} testId="chart-by-shop" />
        </Card>
      </Col>
      <Col span={12}>
        <Card title={t('overview.overlap')}>
          <Chart option={options.overlap} testId="chart-overlap" />
        </Card>
      </Col>
      <Col span={8}>
        <Card title={t('overview.shopCount')}>
          <Chart option={options.shopCount} />
        </Card>
      </Col>
      <Col span={16}>
        <Card title={t('overview.byMonth', { tz: o.time_zone })}>
          <Chart option={options.byMonth} />
        </Card>
      </Col>
    </Row>
  );
}
