import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  InputNumber,
  Row,
  Slider,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { AsyncView } from '../components/AsyncView.tsx';
import { dateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import {
  modelProblems,
  type PreviewRow,
  type RankingPage,
  type ScoringRun,
  score,
  VALUE_COLORS,
  VALUE_NAMES,
  type ValueModel,
  type ValueModelConfig,
  type ValueName,
  weightsSum,
} from '../scores.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { ScoringRunProgress } from './settings/ScoringRunProgress.tsx';
import { TagRules } from './settings/TagRules.tsx';
import { WorkspaceSettings } from './settings/WorkspaceSettings.tsx';

const PREVIEW_ROWS = 10;
const PREVIEW_DEBOUNCE_MS = 400;

const TABS = ['model', 'rules', 'workspace'] as const;
type TabKey = (typeof TABS)[number];

/**
 * The workspace's settings, one tab each (`?tab=` keeps the choice in the address): the value
 * model, the tag rules, and the workspace itself with its API keys.
 */
export function SettingsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: TabKey = TABS.find((k) => k === asked) ?? 'model';
  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => setParams(key === 'model' ? {} : { tab: key }, { replace: true })}
      destroyOnHidden
      items={[
        { key: 'model', label: t('settings.tab.model'), children: <ValueModelSettings /> },
        { key: 'rules', label: t('settings.tab.rules'), children: <TagRules /> },
        { key: 'workspace', label: t('settings.tab.workspace'), children: <WorkspaceSettings /> },
      ]}
    />
  );
}

/** The value model: weights with a live preview of who moves, bands, KOC rule, activity thresholds. */
function ValueModelSettings() {
  const loaded = useApi<ValueModel>('/v1/value-model');
  return (
    <AsyncView loaded={loaded}>
      {(model) => (
        <ModelEditor
          key={model.version}
          model={model}
          reload={loaded.state === 'ready' ? loaded.reload : () => undefined}
        />
      )}
    </AsyncView>
  );
}

function ModelEditor({ model: loaded, reload }: { model: ValueModel; reload: () => void }) {
  const { t, describeError } = useI18n();
  // Refreshed in place once a save's rescoring is done, so its progress and new ranking stay in view.
  const [model, setModel] = useState(loaded);
  const refresh = () => {
    api<ValueModel>('/v1/value-model').then(setModel, () => undefined);
  };
  const { can, me, timeZone } = useSession();
  const editable = can('settings.manage');
  const [config, setConfig] = useState<ValueModelConfig>(model.config);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [run, setRun] = useState<{ version: number; id: number } | null>(null);
  const problems = modelProblems(config);
  const sum = weightsSum(config.weights);
  const weightsOk = Math.abs(sum - 1) < 1e-9;
  const changed = JSON.stringify(config) !== JSON.stringify(model.config);
  const setWeight = (v: ValueName, n: number | null) =>
    setConfig((c) => ({ ...c, weights: { ...c.weights, [v]: Math.round((n ?? 0) * 100) / 100 } }));
  const save = () => {
    setSaving(true);
    setSaveError(null);
    api<{ version: number; run: ScoringRun }>('/v1/value-model', {
      method: 'PUT',
      body: JSON.stringify(config),
    })
      .then(
        (saved) => setRun({ version: saved.version, id: saved.run.id }),
        (e: unknown) => setSaveError(describeError(e)),
      )
      .finally(() => setSaving(false));
  };
  const field = (label: ReactNode, input: ReactNode) => (
    <Descriptions.Item label={label}>{input}</Descriptions.Item>
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {!editable && (
        <Alert type="info" showIcon title={t('settings.readOnly')} data-testid="settings-read-only" />
      )}
      <Row gutter={16}>
        <Col span={14}>
          <Card
            title={t('settings.title')}
            extra={
              <Typography.Text type="secondary">
                {t('settings.version', {
                  v: model.version,
                  by: model.created_by,
                  at: dateTime(model.created_at, timeZone),
                })}
              </Typography.Text>
            }
          >
            <Typography.Title level={5}>{t('settings.weights')}</Typography.Title>
            {VALUE_NAMES.map((v) => (
              <Row key={v} gutter={16} align="middle" data-testid={`weight-${v}`}>
                <Col span={6} style={{ color: VALUE_COLORS[v], fontWeight: 500 }}>
                  {t(`value.${v}`)}
                </Col>
                <Col span={12}>
                  <Slider
                    min={0}
                    max={1}
                    step={0.01}
                    value={config.weights[v]}
                    disabled={!editable}
                    onChange={(n: number) => setWeight(v, n)}
                  />
                </Col>
                <Col span={6}>
                  <InputNumber
                    min={0}
                    max={1}
                    step={0.05}
                    precision={2}
                    value={config.weights[v]}
                    disabled={!editable}
                    aria-label={t(`value.${v}`)}
                    onChange={(n) => setWeight(v, n)}
                  />
                </Col>
              </Row>
            ))}
            <Typography.Text type={weightsOk ? 'secondary' : 'danger'} data-testid="weights-sum">
              {weightsOk
                ? t('settings.weightsSum', { sum: sum.toFixed(2) })
                : t('settings.weightsMustSum', { sum })}
            </Typography.Text>

            <Descriptions title={t('settings.bands')} size="small" column={2} style={{ marginTop: 24 }}>
              {field(
                t('settings.superShare'),
                <InputNumber
                  min={0}
                  max={100}
                  step={0.5}
                  suffix="%"
                  disabled={!editable}
                  value={Math.round(config.super_user_share * 10000) / 100}
                  onChange={(n) => setConfig((c) => ({ ...c, super_user_share: (n ?? 0) / 100 }))}
                />,
              )}
              {field(
                t('settings.secondShare'),
                <InputNumber
                  min={0}
                  max={100}
                  step={0.5}
                  suffix="%"
                  disabled={!editable}
                  value={Math.round(config.second_tier_share * 10000) / 100}
                  onChange={(n) => setConfig((c) => ({ ...c, second_tier_share: (n ?? 0) / 100 }))}
                />,
              )}
            </Descriptions>
            <Descriptions title={t('settings.koc')} size="small" column={2} style={{ marginTop: 16 }}>
              {field(
                t('settings.kocMin'),
                <InputNumber
                  min={0}
                  max={100}
                  disabled={!editable}
                  value={config.koc.min_score}
                  onChange={(n) => setConfig((c) => ({ ...c, koc: { ...c.koc, min_score: n ?? 0 } }))}
                />,
              )}
              {field(
                t('settings.kocLead'),
                <InputNumber
                  min={-100}
                  max={100}
                  disabled={!editable}
                  value={config.koc.min_lead_over_consumption}
                  onChange={(n) =>
                    setConfig((c) => ({ ...c, koc: { ...c.koc, min_lead_over_consumption: n ?? 0 } }))
                  }
                />,
              )}
            </Descriptions>
            <Descriptions title={t('settings.activity')} size="small" column={3} style={{ marginTop: 16 }}>
              {(['very_active', 'active', 'occasional'] as const).map((k) =>
                field(
                  t(`settings.activity.${k}`),
                  <InputNumber
                    key={k}
                    min={0}
                    max={30}
                    precision={0}
                    suffix={t('settings.days')}
                    disabled={!editable}
                    value={config.activity_days[k]}
                    onChange={(n) =>
                      setConfig((c) => ({ ...c, activity_days: { ...c.activity_days, [k]: n ?? 0 } }))
                    }
                  />,
                ),
              )}
            </Descriptions>
            {problems.length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 16 }}
                data-testid="settings-problems"
                title={problems.map((p) => t(p, { sum })).join('；')}
              />
            )}
            {saveError && <Alert type="error" showIcon style={{ marginTop: 16 }} title={saveError} />}
            {editable && (
              <Button
                type="primary"
                style={{ marginTop: 16 }}
                disabled={problems.length > 0 || !changed || run !== null}
                loading={saving}
                onClick={save}
              >
                {t('settings.save')}
              </Button>
            )}
          </Card>
        </Col>
        <Col span={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {run ? (
              <RunProgress run={run} onDone={refresh} onEditAgain={reload} />
            ) : (
              <PreviewCard weights={config.weights} valid={weightsOk} />
            )}
            <Card title={t('settings.workspace')} size="small">
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('login.workspace')}>{me.workspace.name}</Descriptions.Item>
                <Descriptions.Item label={t('settings.timeZone')}>
                  <Space>
                    <span data-testid="time-zone">{timeZone}</span>
                    {editable && <Link to="/settings?tab=workspace">{t('settings.changeTimeZone')}</Link>}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('settings.lastRun')}>
                  {model.last_run
                    ? t('settings.lastRunValue', {
                        id: model.last_run.id,
                        at: dateTime(model.last_run.as_of, timeZone),
                        v: model.last_run.model_version,
                        n: model.last_run.customers ?? '—',
                      })
                    : t('settings.noRun')}
                </Descriptions.Item>
              </Descriptions>
            </Card>
          </Space>
        </Col>
      </Row>
    </Space>
  );
}

/** Asks the server who would lead with these weights, a moment after they stop changing. */
function PreviewCard({ weights, valid }: { weights: ValueModelConfig['weights']; valid: boolean }) {
  const { t, describeError } = useI18n();
  const key = JSON.stringify(weights);
  const [state, setState] = useState<
    { key: string; rows: PreviewRow[] } | { key: string; error: string } | null
  >(null);
  useEffect(() => {
    if (!valid) {
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api<{ rows: PreviewRow[] }>('/v1/value-model/preview', {
        method: 'POST',
        body: JSON.stringify({ weights: JSON.parse(key), limit: PREVIEW_ROWS }),
      }).then(
        (r) => live && setState({ key, rows: r.rows }),
        (e: unknown) => live && setState({ key, error: describeError(e) }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, valid, describeError]);
  const current = state?.key === key ? state : null;
  return (
    <Card title={t('settings.preview')} size="small" data-testid="preview">
      <Typography.Paragraph type="secondary">
        {t('settings.previewHint', { n: PREVIEW_ROWS })}
      </Typography.Paragraph>
      {!valid ? (
        <Alert type="info" title={t('settings.previewInvalid')} />
      ) : current && 'error' in current ? (
        <Alert type="error" showIcon title={current.error} />
      ) : (
        <Table<PreviewRow>
          size="small"
          rowKey="customer_id"
          pagination={false}
          loading={current === null}
          dataSource={current?.rows ?? []}
          columns={[
            {
              title: t('rankings.customer'),
              key: 'c',
              render: (_: unknown, r: PreviewRow) => (
                <Link to={`/customers/${r.customer_id}`}>{r.display ?? `#${r.customer_id}`}</Link>
              ),
            },
            { title: t('settings.rankNow'), dataIndex: 'rank_now', align: 'right' },
            { title: t('settings.rankNew'), dataIndex: 'rank_new', align: 'right' },
            {
              title: t('settings.move'),
              key: 'move',
              align: 'right',
              render: (_: unknown, r: PreviewRow) => <Move by={r.rank_now - r.rank_new} />,
            },
            { title: t('settings.totalNow'), dataIndex: 'total_now', align: 'right', render: score },
            {
              title: t('settings.totalNew'),
              dataIndex: 'total_new',
              align: 'right',
              render: (n: number) => <span data-testid="preview-total-new">{score(n)}</span>,
            },
          ]}
        />
      )}
    </Card>
  );
}

function Move({ by }: { by: number }) {
  if (by === 0) {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  return by > 0 ? <Tag color="green">↑ {by}</Tag> : <Tag color="red">↓ {-by}</Tag>;
}

/** Follows the rescoring the save started, then shows the new top of the ranking. */
function RunProgress({
  run,
  onDone,
  onEditAgain,
}: {
  run: { version: number; id: number };
  onDone: () => void;
  onEditAgain: () => void;
}) {
  const { t } = useI18n();
  return (
    <Card title={t('settings.run')} size="small" data-testid="run">
      <Typography.Paragraph>{t('settings.saved', { v: run.version })}</Typography.Paragraph>
      <ScoringRunProgress runId={run.id} onDone={onDone} done={<NewRanking onEditAgain={onEditAgain} />} />
    </Card>
  );
}

function NewRanking({ onEditAgain }: { onEditAgain: () => void }) {
  const { t } = useI18n();
  const loaded = useApi<RankingPage>('/v1/rankings?kind=total&limit=10');
  const columns = useMemo(
    () => [
      {
        title: t('rankings.customer'),
        key: 'c',
        render: (_: unknown, r: RankingPage['rows'][number]) => (
          <Link to={`/customers/${r.customer_id}`} data-testid="new-ranking-customer">
            {r.display ?? `#${r.customer_id}`}
          </Link>
        ),
      },
      ...VALUE_NAMES.map((v) => ({ title: t(`value.${v}`), dataIndex: v, align: 'right' as const })),
      {
        title: t('value.total'),
        dataIndex: 'total',
        align: 'right' as const,
        render: (n: number) => <b data-testid="new-ranking-total">{score(n)}</b>,
      },
    ],
    [t],
  );
  return (
    <div style={{ marginTop: 16 }} data-testid="new-ranking">
      <Space style={{ marginBottom: 8 }}>
        <Tag color="green">{t('settings.runDone')}</Tag>
        <Link to="/rankings?kind=total">{t('settings.openRankings')}</Link>
        <Button size="small" onClick={onEditAgain}>
          {t('settings.editAgain')}
        </Button>
      </Space>
      <AsyncView loaded={loaded}>
        {(page) => (
          <>
            <Typography.Paragraph strong>{t('settings.newRanking')}</Typography.Paragraph>
            <Table
              size="small"
              rowKey="customer_id"
              pagination={false}
              dataSource={page.rows}
              columns={columns}
            />
          </>
        )}
      </AsyncView>
    </div>
  );
}
