import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api } from '../../api.ts';
import { AsyncView } from '../../components/AsyncView.tsx';
import { dateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { useApi } from '../../use-api.ts';

type ApiKey = {
  id: number;
  name: string;
  prefix: string;
  can_unmask: boolean;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

/**
 * The workspace's API keys, for admins (apikeys.manage): the list never holds a key, only its
 * prefix; a new key is shown once, right after it is made; revoking is for good.
 */
export function ApiKeys() {
  const { t } = useI18n();
  const { can } = useSession();
  if (!can('apikeys.manage')) {
    return (
      <Card title={t('keys.title')}>
        <Alert type="info" showIcon title={t('keys.adminOnly')} data-testid="keys-admin-only" />
      </Card>
    );
  }
  return <KeyList />;
}

function KeyList() {
  const { t, describeError } = useI18n();
  const { timeZone } = useSession();
  const { message } = AntApp.useApp();
  const loaded = useApi<{ keys: ApiKey[] }>('/v1/api-keys');
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<(ApiKey & { key: string }) | null>(null);
  const reload = () => {
    if (loaded.state === 'ready') {
      loaded.reload();
    }
  };
  const revoke = (key: ApiKey) =>
    api(`/v1/api-keys/${key.id}`, { method: 'DELETE' }).then(
      () => {
        void message.success(t('keys.revoked', { name: key.name }));
        reload();
      },
      (e: unknown) => void message.error(describeError(e)),
    );
  const create = (
    <Button type="primary" onClick={() => setCreating(true)} data-testid="key-new">
      {t('keys.new')}
    </Button>
  );
  return (
    <Card title={t('keys.title')} extra={create}>
      <Typography.Paragraph type="secondary">{t('keys.hint')}</Typography.Paragraph>
      <AsyncView loaded={loaded}>
        {({ keys }) =>
          keys.length === 0 ? (
            <Empty description={t('keys.empty')} />
          ) : (
            <Table<ApiKey>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={[...keys].reverse()}
              data-testid="keys"
              columns={[
                { title: t('keys.name'), dataIndex: 'name' },
                {
                  title: t('keys.prefix'),
                  dataIndex: 'prefix',
                  render: (p: string) => <code>{p}…</code>,
                },
                {
                  title: t('keys.unmask'),
                  dataIndex: 'can_unmask',
                  render: (v: boolean) => (v ? <Tag color="orange">{t('keys.yes')}</Tag> : t('keys.no')),
                },
                {
                  title: t('keys.created'),
                  key: 'created',
                  render: (_: unknown, k: ApiKey) =>
                    `${dateTime(k.created_at, timeZone)}${k.created_by ? ` · ${k.created_by}` : ''}`,
                },
                {
                  title: t('keys.lastUsed'),
                  dataIndex: 'last_used_at',
                  render: (v: string | null) => (v ? dateTime(v, timeZone) : t('keys.neverUsed')),
                },
                {
                  title: t('keys.status'),
                  key: 'status',
                  render: (_: unknown, k: ApiKey) =>
                    k.revoked_at ? (
                      <Tag data-testid="key-revoked">
                        {t('keys.revokedAt', { at: dateTime(k.revoked_at, timeZone) })}
                      </Tag>
                    ) : (
                      <Popconfirm
                        title={t('keys.revokeConfirm', { name: k.name })}
                        onConfirm={() => revoke(k)}
                      >
                        <Button size="small" danger>
                          {t('keys.revoke')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]}
            />
          )
        }
      </AsyncView>
      {creating && (
        <NewKey
          onClose={() => setCreating(false)}
          onMade={(key) => {
            setCreating(false);
            setMade(key);
            reload();
          }}
        />
      )}
      {made && (
        <Modal
          open
          closable={false}
          maskClosable={false}
          title={t('keys.createdTitle')}
          footer={
            <Button type="primary" onClick={() => setMade(null)}>
              {t('keys.done')}
            </Button>
          }
        >
          <Alert type="warning" showIcon title={t('keys.showOnce')} style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable={{ text: made.key }} data-testid="new-key">
            <code>{made.key}</code>
          </Typography.Paragraph>
        </Modal>
      )}
    </Card>
  );
}

function NewKey({
  onClose,
  onMade,
}: {
  onClose: () => void;
  onMade: (key: ApiKey & { key: string }) => void;
}) {
  const { t, describeError } = useI18n();
  const [name, setName] = useState('');
  const [canUnmask, setCanUnmask] = useState(false);
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameOk = name.trim() !== '';
  const submit = () => {
    setTouched(true);
    if (!nameOk) {
      return;
    }
    setSaving(true);
    setError(null);
    api<ApiKey & { key: string }>('/v1/api-keys', {
      method: 'POST',
      body: JSON.stringify({ name: name.trim(), can_unmask: canUnmask }),
    })
      .then(onMade, (e: unknown) => setError(describeError(e)))
      .finally(() => setSaving(false));
  };
  return (
    <Modal
      open
      title={t('keys.new')}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('rules.cancel')}
        </Button>,
        <Button key="create" type="primary" loading={saving} onClick={submit} data-testid="key-create">
          {t('keys.create')}
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="key-form">
        <Form.Item
          label={t('keys.name')}
          help={touched && !nameOk ? t('keys.nameRequired') : undefined}
          validateStatus={touched && !nameOk ? 'error' : undefined}
        >
          <Input
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            onPressEnter={submit}
            aria-label={t('keys.name')}
          />
        </Form.Item>
        <Form.Item help={t('keys.unmaskHelp')}>
          <Checkbox checked={canUnmask} onChange={(e) => setCanUnmask(e.target.checked)}>
            {t('keys.unmask')}
          </Checkbox>
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}
