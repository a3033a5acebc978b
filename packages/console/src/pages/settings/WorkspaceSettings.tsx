import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { AsyncView } from '../../components/AsyncView.tsx';
import { dateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import type { ScoringRun } from '../../scores.ts';
import { useSession } from '../../session.tsx';
import { useApi } from '../../use-api.ts';
import { ApiKeys } from './ApiKeys.tsx';
import { ScoringRunProgress } from './ScoringRunProgress.tsx';

type WorkspaceInfo = { slug: string; name: string; time_zone: string; created_at: string };

/** The workspace (name, time zone) beside its API keys. */
export function WorkspaceSettings() {
  const loaded = useApi<WorkspaceInfo>('/v1/workspace');
  return (
    <Row gutter={16}>
      <Col span={8}>
        <AsyncView loaded={loaded}>
          {(ws) => (
            <WorkspaceCard
              key={`${ws.name} ${ws.time_zone}`}
              workspace={ws}
              reload={loaded.state === 'ready' ? loaded.reload : () => undefined}
            />
          )}
        </AsyncView>
      </Col>
      <Col span={16}>
        <ApiKeys />
      </Col>
    </Row>
  );
}

function zones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

/**
 * Moving the zone moves every business day, so the server rebuilds the aggregates from the events
 * and rescores everyone; this card asks first, then follows that run to its end.
 */
function WorkspaceCard({ workspace, reload }: { workspace: WorkspaceInfo; reload: () => void }) {
  const { t, describeError } = useI18n();
  const { can, refresh } = useSession();
  const { message, modal } = AntApp.useApp();
  const editable = can('settings.manage');
  const [name, setName] = useState(workspace.name);
  const [timeZone, setTimeZone] = useState(workspace.time_zone);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<{ id: number; zone: string } | null>(null);
  const options = useMemo(() => zones().map((z) => ({ value: z, label: z })), []);
  const changed = name.trim() !== workspace.name || timeZone !== workspace.time_zone;
  const send = () => {
    setSaving(true);
    setError(null);
    api<WorkspaceInfo & { run: ScoringRun | null }>('/v1/workspace', {
      method: 'PUT',
      body: JSON.stringify({ name: name.trim(), time_zone: timeZone }),
    })
      .then(
        (saved) => {
          if (saved.run) {
            setRun({ id: saved.run.id, zone: saved.time_zone });
          } else {
            void message.success(t('workspace.saved'));
            refresh();
            reload();
          }
        },
        (e: unknown) => setError(describeError(e)),
      )
      .finally(() => setSaving(false));
  };
  const save = () => {
    if (timeZone === workspace.time_zone) {
      send();
      return;
    }
    modal.confirm({
      title: t('workspace.tzConfirmTitle'),
      content: t('workspace.tzConfirm', { from: workspace.time_zone, to: timeZone }),
      okText: t('workspace.save'),
      onOk: send,
    });
  };
  return (
    <Card title={t('workspace.title')} data-testid="workspace">
      {!editable && (
        <Alert type="info" showIcon title={t('workspace.readOnly')} style={{ marginBottom: 16 }} />
      )}
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('workspace.slug')}>{workspace.slug}</Descriptions.Item>
        <Descriptions.Item label={t('workspace.created')}>
          {dateTime(workspace.created_at, workspace.time_zone)}
        </Descriptions.Item>
      </Descriptions>
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div>
          <Typography.Text strong>{t('workspace.name')}</Typography.Text>
          <Input
            value={name}
            maxLength={100}
            disabled={!editable || run !== null}
            onChange={(e) => setName(e.target.value)}
            aria-label={t('workspace.name')}
          />
        </div>
        <div>
          <Typography.Text strong>{t('workspace.timeZone')}</Typography.Text>
          <Select
            showSearch
            value={timeZone}
            options={options}
            disabled={!editable || run !== null}
            onChange={setTimeZone}
            style={{ width: '100%' }}
            aria-label={t('workspace.timeZone')}
            data-testid="workspace-time-zone"
          />
          <Typography.Text type="secondary" data-testid="workspace-local-time">
            {t('workspace.localTime', { at: dateTime(new Date().toISOString(), timeZone) })}
          </Typography.Text>
        </div>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('workspace.timeZoneHelp')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} />}
        {editable && run === null && (
          <Button type="primary" disabled={!changed || name.trim() === ''} loading={saving} onClick={save}>
            {t('workspace.save')}
          </Button>
        )}
        {run && (
          <RebuildProgress
            run={run}
            onDone={() => {
              refresh();
            }}
            onClose={() => {
              setRun(null);
              reload();
            }}
          />
        )}
      </Space>
    </Card>
  );
}

function RebuildProgress({
  run,
  onDone,
  onClose,
}: {
  run: { id: number; zone: string };
  onDone: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <div data-testid="workspace-run">
      <Typography.Paragraph>{t('workspace.rebuilding', { tz: run.zone })}</Typography.Paragraph>
      <ScoringRunProgress
        runId={run.id}
        onDone={onDone}
        done={
          <Space>
            <Typography.Text type="success">{t('workspace.rebuilt')}</Typography.Text>
            <Button size="small" onClick={onClose}>
              {t('settings.editAgain')}
            </Button>
          </Space>
        }
      />
    </div>
  );
}
