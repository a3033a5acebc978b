import {
  Alert,
  Card,
  Col,
  Collapse,
  Descriptions,
  Empty,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo } from 'react';
import { AsyncView } from '../components/AsyncView.tsx';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { dateTime, yuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../i18n-dictionary.ts';
import {
  BAND_COLORS,
  type CustomerScores,
  percent,
  reasonText,
  score,
  VALUE_COLORS,
  VALUE_NAMES,
  type ValueExplained,
  type ValueName,
} from '../scores.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { CustomerTags } from './CustomerTags.tsx';

type Scored = Extract<CustomerScores, { scored: true }>;

/** Inputs are counts, except recent interaction (a decayed sum): show what they are. */
function amount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);
}

/** The Customer 360's value section: every score with its explanation, RFM, lifetime, tags. */
export function CustomerScoresSection({ customerId }: { customerId: number }) {
  const { t } = useI18n();
  const loaded = useApi<CustomerScores>(`/v1/customers/${customerId}/scores`);
  // Adding or removing a manual tag reloads the section (ready whenever its children render).
  const reload = loaded.state === 'ready' ? loaded.reload : () => undefined;
  return (
    <Card title={t('scores.title')} data-testid="scores">
      <AsyncView loaded={loaded}>
        {(s) =>
          s.scored ? (
            <ScoredView s={s} reload={reload} />
          ) : (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Alert type="info" showIcon title={t('scores.notScored')} data-testid="not-scored" />
              <CustomerTags customerId={customerId} tags={s.tags} onChange={reload} />
            </Space>
          )
        }
      </AsyncView>
    </Card>
  );
}

function ScoredView({ s, reload }: { s: Scored; reload: () => void }) {
  const { t, lang } = useI18n();
  const { timeZone } = useSession();
  const radar = useMemo<ChartOption>(
    () => ({
      tooltip: {},
      radar: {
        indicator: VALUE_NAMES.map((v) => ({ name: t(`value.${v}`), max: 100 })),
        radius: '65%',
        axisName: { color: '#444' },
      },
      series: [
        {
          type: 'radar',
          data: [
            {
              value: VALUE_NAMES.map((v) => s.values[v].score),
              name: t('scores.centile'),
              areaStyle: { color: 'rgba(194, 65, 12, 0.25)' },
              itemStyle: { color: '#c2410c' },
              label: { show: true },
            },
          ],
        },
      ],
    }),
    [s, t],
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col span={9}>
          <Chart option={radar} height={280} testId="chart-values" />
          <Space size={24} style={{ paddingLeft: 16 }}>
            <Statistic title={t('value.total')} value={score(s.total)} data-testid="score-total" />
            <Statistic title={t('value.koc')} value={score(s.koc)} />
            <div>
              <Typography.Text type="secondary">{t('value.band')}</Typography.Text>
              <div style={{ marginTop: 8 }}>
                <Tag color={BAND_COLORS[s.band]} data-testid="score-band">
                  {t(`band.${s.band}`)}
                </Tag>
                {s.koc_candidate && <Tag color="purple">{t('koc.candidate')}</Tag>}
              </div>
            </div>
          </Space>
          <ul style={{ marginTop: 12, paddingLeft: 32 }} data-testid="score-reasons">
            {s.reasons.map((r) => (
              <li key={`${r.code}-${r.code === 'top_value' ? r.value : ''}`}>{reasonText(t, r)}</li>
            ))}
          </ul>
          <Typography.Text type="secondary" style={{ paddingLeft: 16, fontSize: 12 }}>
            {t('scores.scoredAt')} {dateTime(s.scored_at, timeZone)} · {t('scores.asOf')}{' '}
            {dateTime(s.run.as_of, timeZone)} · {t('scores.model')} v{s.run.model_version}
          </Typography.Text>
        </Col>
        <Col span={15}>
          <Typography.Paragraph type="secondary">{t('scores.explainNote')}</Typography.Paragraph>
          <Collapse
            data-testid="value-explanations"
            items={VALUE_NAMES.map((v) => ({
              key: v,
              label: (
                <Space size={16}>
                  <b style={{ color: VALUE_COLORS[v] }}>{t(`value.${v}`)}</b>
                  <span data-testid={`value-${v}-score`}>{s.values[v].score}</span>
                  <Typography.Text type="secondary">
                    × {s.values[v].weight.toFixed(2)} = {score(s.values[v].contribution)}
                  </Typography.Text>
                </Space>
              ),
              children: <ValueExplanation name={v} value={s.values[v]} />,
            }))}
          />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={8}>
          <Card size="small" title={t('scores.rfm')} data-testid="rfm">
            <Table
              size="small"
              pagination={false}
              rowKey="k"
              dataSource={(['r', 'f', 'm'] as const).map((k) => ({
                k,
                score: s.rfm[k],
                mean: s.rfm.workspace_means?.[k] ?? null,
              }))}
              columns={[
                { title: '', dataIndex: 'k', render: (k: 'r' | 'f' | 'm') => t(`input.${k}`) },
                { title: t('scores.inputValue'), dataIndex: 'score', align: 'right' },
                {
                  title: t('scores.workspaceMean'),
                  dataIndex: 'mean',
                  align: 'right',
                  render: (m: number | null) => (m === null ? '—' : m.toFixed(2)),
                },
              ]}
            />
            <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
              <Descriptions.Item label={t('scores.rfmGroup')}>
                <Tag color="orange" data-testid="rfm-group">
                  {s.rfm.group ? s.rfm.group.names[lang] : t('scores.noPurchase')}
                </Tag>
              </Descriptions.Item>
            </Descriptions>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('scores.rfmFacts', {
                orders: s.rfm.orders,
                days: s.rfm.purchase_days,
                net: yuan(s.rfm.net_fen),
                last: dateTime(s.rfm.last_order_at, timeZone),
              })}
            </Typography.Text>
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={t('scores.lifetime')} data-testid="lifetime">
            {s.lifetime === null ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('scores.noLifetime')} />
            ) : (
              <Row gutter={[8, 16]}>
                <Col span={12}>
                  <Statistic title={t('scores.pAlive')} value={percent(s.lifetime.probability_alive, 1)} />
                </Col>
                <Col span={12}>
                  <Statistic
                    title={t('scores.expectedPurchases', { days: s.lifetime.expected_purchases.days })}
                    value={s.lifetime.expected_purchases.value.toFixed(2)}
                  />
                </Col>
                <Col span={12}>
                  <Statistic
                    title={t('scores.avgSpend')}
                    value={yuan(Math.round(s.lifetime.expected_average_spend_fen))}
                  />
                </Col>
                <Col span={12}>
                  <Statistic
                    title={t('scores.clv', { months: s.lifetime.lifetime_value_fen.months })}
                    value={yuan(Math.round(s.lifetime.lifetime_value_fen.value))}
                    data-testid="clv"
                  />
                </Col>
              </Row>
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={t('scores.tags')}>
            <CustomerTags customerId={s.customer_id} tags={s.tags} onChange={reload} />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function ValueExplanation({ name, value }: { name: ValueName; value: ValueExplained }) {
  const { t } = useI18n();
  return (
    <div data-testid={`explain-${name}`}>
      <Typography.Paragraph code>{t(`scores.formula.${name}`)}</Typography.Paragraph>
      <Descriptions size="small" column={4} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t('scores.raw')}>
          {amount(Math.round(value.raw * 100) / 100)}
        </Descriptions.Item>
        <Descriptions.Item label={t('scores.centile')}>{value.score}</Descriptions.Item>
        <Descriptions.Item label={t('scores.weight')}>{value.weight.toFixed(2)}</Descriptions.Item>
        <Descriptions.Item label={t('scores.contribution')}>
          <span data-testid={`value-${name}-contribution`}>{score(value.contribution)}</span>
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        pagination={false}
        rowKey="input"
        dataSource={value.parts}
        columns={[
          {
            title: t('scores.input'),
            dataIndex: 'input',
            render: (i: string) => t(`input.${i}` as MessageKey),
          },
          {
            title: t('scores.inputValue'),
            dataIndex: 'value',
            align: 'right',
            render: (v: number | null, part: { input: string }) =>
              v === null ? '—' : part.input.endsWith('_fen') ? yuan(Math.round(v)) : amount(v),
          },
          {
            title: t('scores.inputContribution'),
            dataIndex: 'contribution',
            align: 'right',
            render: (c: number | null) =>
              c === null ? (
                <Typography.Text type="secondary">{t('scores.partOfRecent')}</Typography.Text>
              ) : (
                c.toFixed(2)
              ),
          },
        ]}
      />
    </div>
  );
}
