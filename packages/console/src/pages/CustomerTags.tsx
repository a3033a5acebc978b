import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../api.ts';
import { dateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { type TagRow, tagName } from '../scores.ts';
import { useSession } from '../session.tsx';

const MANUAL = 'manual:';

/**
 * A customer's tags, each with since when and why it holds. Operators who may (`customers.tag`)
 * add manual tags here — an operator's own judgement, kept with who added it and a note — and
 * remove them; derived and rule tags are the engine's, never edited by hand.
 */
export function CustomerTags({
  customerId,
  tags,
  onChange,
}: {
  customerId: number;
  tags: TagRow[];
  onChange: () => void;
}) {
  const { t, lang, shop, describeError } = useI18n();
  const { can, timeZone } = useSession();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ name: string; note?: string }>();
  const [error, setError] = useState<string | null>(null);
  const editable = can('customers.tag');
  const path = `/v1/customers/${customerId}/tags`;
  const failed = (e: unknown) => setError(describeError(e));

  const add = ({ name, note }: { name: string; note?: string }) => {
    const tag = `${MANUAL}${name.trim()}`;
    setError(null);
    return api<{ created: boolean }>(path, {
      method: 'POST',
      body: JSON.stringify({ tag, ...(note?.trim() ? { note: note.trim() } : {}) }),
    }).then((r) => {
      void (r.created ? message.success(t('tag.added', { tag })) : message.info(t('tag.exists', { tag })));
      form.resetFields();
      onChange();
    }, failed);
  };
  const remove = (tag: string) => {
    setError(null);
    return api(`${path}?tag=${encodeURIComponent(tag)}`, { method: 'DELETE' }).then(() => {
      void message.success(t('tag.removed', { tag }));
      onChange();
    }, failed);
  };

  const why = (row: TagRow): string => {
    const r = row.reason ?? {};
    switch (row.source) {
      case 'activity':
        return typeof r.active_days_30 === 'number'
          ? t('tag.why.activity', { days: r.active_days_30, v: String(r.model_version ?? '—') })
          : row.source;
      case 'channel':
        return typeof r.shop === 'string' ? t('tag.why.channel', { shop: shop(r.shop) }) : row.source;
      case 'rule':
        return t('tag.why.rule', { id: String(r.rule_id ?? '—'), v: String(r.rule_version ?? '—') });
      case 'manual': {
        const actor = String(r.actor ?? '—');
        const added =
          typeof r.note === 'string' && r.note !== ''
            ? t('tag.why.manualNote', { actor, note: r.note })
            : t('tag.why.manual', { actor });
        // A copy brought by merges lists the customers it came through (an older one, a single id).
        const from = r.merged_from === undefined ? [] : [r.merged_from].flat();
        return from.length > 0 ? added + t('tag.why.mergedFrom', { ids: from.join(' → ') }) : added;
      }
      default:
        return row.source;
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Table
        size="small"
        pagination={false}
        rowKey="tag"
        dataSource={tags}
        data-testid="score-tags"
        locale={{ emptyText: t('scores.noTags') }}
        columns={[
          {
            title: t('scores.tag'),
            dataIndex: 'tag',
            render: (tag: string) => (
              <Tag color={tag.startsWith('activity:') ? 'cyan' : tag.startsWith(MANUAL) ? 'gold' : 'default'}>
                {tagName(tag, lang, shop)}
              </Tag>
            ),
          },
          { title: t('scores.since'), dataIndex: 'since', render: (at: string) => dateTime(at, timeZone) },
          { title: t('scores.why'), key: 'why', render: (_: unknown, row: TagRow) => why(row) },
          ...(editable
            ? [
                {
                  key: 'remove',
                  render: (_: unknown, row: TagRow) =>
                    row.source === 'manual' ? (
                      <Popconfirm
                        title={t('tag.removeConfirm', { tag: row.tag })}
                        onConfirm={() => remove(row.tag)}
                      >
                        <Button size="small" type="text" danger icon={<DeleteOutlined />}>
                          {t('tag.remove')}
                        </Button>
                      </Popconfirm>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {editable && (
        <Form form={form} layout="inline" onFinish={add} data-testid="add-manual-tag">
          <Form.Item name="name" rules={[{ required: true, whitespace: true, message: t('tag.name') }]}>
            <Input
              addonBefore={MANUAL}
              placeholder={t('tag.name')}
              aria-label={t('tag.name')}
              maxLength={60}
            />
          </Form.Item>
          <Form.Item name="note">
            <Input placeholder={t('tag.note')} aria-label={t('tag.note')} maxLength={500} />
          </Form.Item>
          <Button htmlType="submit" icon={<PlusOutlined />}>
            {t('tag.add')}
          </Button>
        </Form>
      )}
      {error && <Alert type="error" showIcon title={error} closable onClose={() => setError(null)} />}
    </Space>
  );
}
