import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
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
import { FilterEditor, filterErrorText, PathError } from './FilterEditor.tsx';
import { splitErrorPath } from './filter-text.ts';

type TagRule = {
  id: number;
  tag: string;
  name: string;
  filter: unknown;
  version: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
};

const RULE_TAG = /^rule:\S/;
const NEW_FILTER = JSON.stringify({ field: 'stats.net_fen', op: '>=', value: 100_000 }, null, 2);

/**
 * The tag rules: rule tags (`rule:<name>`) carried by the customers a filter selects. Everyone
 * reads them; roles with settings.manage make, edit and delete them (the server says the same).
 */
export function TagRules() {
  const { t, describeError } = useI18n();
  const { can, timeZone } = useSession();
  const { message } = AntApp.useApp();
  const editable = can('settings.manage');
  const loaded = useApi<{ rules: TagRule[] }>('/v1/tag-rules');
  const counts = useApi<{ tags: { tag: string; customers: number }[] }>('/v1/tags');
  const [editing, setEditing] = useState<TagRule | 'new' | null>(null);
  const reload = () => {
    if (loaded.state === 'ready') {
      loaded.reload();
    }
    if (counts.state !== 'loading') {
      (counts.state === 'ready' ? counts.reload : counts.retry)();
    }
  };
  const customers = (tag: string) =>
    counts.state === 'ready' ? (counts.data.tags.find((c) => c.tag === tag)?.customers ?? 0) : null;
  const remove = (rule: TagRule) =>
    api(`/v1/tag-rules/${rule.id}`, { method: 'DELETE' }).then(
      () => {
        void message.success(t('rules.deleted', { tag: rule.tag }));
        reload();
      },
      (e: unknown) => void message.error(describeError(e)),
    );
  const create = editable && (
    <Button type="primary" onClick={() => setEditing('new')} data-testid="rule-new">
      {t('rules.new')}
    </Button>
  );

  return (
    <Card title={t('rules.title')} extra={loaded.state === 'ready' && loaded.data.rules.length > 0 && create}>
      <Typography.Paragraph type="secondary">{t('rules.hint')}</Typography.Paragraph>
      {!editable && (
        <Alert
          type="info"
          showIcon
          title={t('rules.readOnly')}
          style={{ marginBottom: 16 }}
          data-testid="rules-read-only"
        />
      )}
      <AsyncView loaded={loaded}>
        {({ rules }) =>
          rules.length === 0 ? (
            <Empty description={t('rules.empty')}>{create}</Empty>
          ) : (
            <Table<TagRule>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={rules}
              data-testid="rules"
              columns={[
                {
                  title: t('rules.tag'),
                  dataIndex: 'tag',
                  render: (tag: string) => <Tag color="purple">{tag}</Tag>,
                },
                { title: t('rules.name'), dataIndex: 'name' },
                {
                  title: t('rules.customers'),
                  key: 'customers',
                  align: 'right',
                  render: (_: unknown, r: TagRule) => (
                    <span data-testid="rule-customers">{customers(r.tag) ?? '—'}</span>
                  ),
                },
                { title: t('rules.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
                {
                  title: t('rules.updated'),
                  key: 'updated',
                  render: (_: unknown, r: TagRule) => `${r.updated_by} · ${dateTime(r.updated_at, timeZone)}`,
                },
                ...(editable
                  ? [
                      {
                        title: t('rules.actions'),
                        key: 'actions',
                        render: (_: unknown, r: TagRule) => (
                          <Space>
                            <Button size="small" onClick={() => setEditing(r)}>
                              {t('rules.edit')}
                            </Button>
                            <Popconfirm
                              title={t('rules.deleteConfirm', { tag: r.tag })}
                              onConfirm={() => remove(r)}
                            >
                              <Button size="small" danger>
                                {t('rules.delete')}
                              </Button>
                            </Popconfirm>
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
              expandable={{
                expandedRowRender: (r) => (
                  <pre style={{ margin: 0 }}>{JSON.stringify(r.filter, null, 2)}</pre>
                ),
              }}
            />
          )
        }
      </AsyncView>
      {editing !== null && (
        <RuleEditor
          rule={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            void message.success(t('rules.saved', { tag: saved.tag, n: saved.customers }));
            setEditing(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}

/** Makes a rule (tag, name, filter) or edits one (name, filter: the tag is the rule's identity). */
function RuleEditor({
  rule,
  onClose,
  onSaved,
}: {
  rule: TagRule | null;
  onClose: () => void;
  onSaved: (saved: TagRule & { customers: number }) => void;
}) {
  const { t, describeError } = useI18n();
  const [tag, setTag] = useState(rule?.tag ?? 'rule:');
  const [name, setName] = useState(rule?.name ?? '');
  const [text, setText] = useState(rule ? JSON.stringify(rule.filter, null, 2) : NEW_FILTER);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const tagOk = rule !== null || RULE_TAG.test(tag.trim());
  const nameOk = name.trim() !== '';
  let filter: unknown;
  let jsonOk = true;
  try {
    filter = JSON.parse(text);
  } catch {
    jsonOk = false;
  }
  // A refusal naming the filter shows in the editor at its node; anything else above the buttons.
  const path = refusal ? (splitErrorPath(refusal)?.path ?? '') : '';
  const filterRefusal = path === 'filter' || path.startsWith('filter.') || path.startsWith('filter[');
  const save = () => {
    setTouched(true);
    if (!tagOk || !nameOk || !jsonOk) {
      return;
    }
    setSaving(true);
    setRefusal(null);
    const body = rule ? { name: name.trim(), filter } : { tag: tag.trim(), name: name.trim(), filter };
    api<TagRule & { customers: number }>(rule ? `/v1/tag-rules/${rule.id}` : '/v1/tag-rules', {
      method: rule ? 'PUT' : 'POST',
      body: JSON.stringify(body),
    })
      .then(onSaved, (e: unknown) => setRefusal(filterErrorText(e, describeError)))
      .finally(() => setSaving(false));
  };
  return (
    <Modal
      open
      width={760}
      title={rule ? t('rules.editTitle') : t('rules.newTitle')}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('rules.cancel')}
        </Button>,
        <Button key="save" type="primary" loading={saving} onClick={save} data-testid="rule-save">
          {t('rules.save')}
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="rule-editor">
        <Form.Item
          label={t('rules.tag')}
          help={touched && !tagOk ? t('rules.tagInvalid') : t('rules.tagHelp')}
          validateStatus={touched && !tagOk ? 'error' : undefined}
        >
          <Input
            value={tag}
            disabled={rule !== null}
            onChange={(e) => setTag(e.target.value)}
            aria-label={t('rules.tag')}
          />
        </Form.Item>
        <Form.Item
          label={t('rules.name')}
          help={touched && !nameOk ? t('rules.nameRequired') : undefined}
          validateStatus={touched && !nameOk ? 'error' : undefined}
        >
          <Input
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            aria-label={t('rules.name')}
          />
        </Form.Item>
        <Form.Item label={t('rules.filter')}>
          <FilterEditor
            value={text}
            onChange={(next) => {
              setText(next);
              setRefusal(null);
            }}
            error={filterRefusal ? refusal : null}
          />
        </Form.Item>
        {refusal && !filterRefusal && <PathError message={refusal} />}
      </Form>
    </Modal>
  );
}
