import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Checkbox, Input, InputNumber, Select, Space, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { fieldLabel, opLabel, tagLabel, valueLabel } from '../filter-labels.ts';
import type { Catalogue, CatalogueField, TagCount } from '../filters.ts';
import { useI18n } from '../i18n.tsx';
import {
  type BuilderNode,
  emptyCondition,
  emptyGroup,
  emptyTag,
  type FieldValue,
  type Group,
  initialValue,
  replaceNode,
} from '../segment-builder.ts';

type Context = {
  catalogue: Catalogue;
  byName: Map<string, CatalogueField>;
  tags: TagCount[];
  incomplete: ReadonlySet<string>;
  update: (id: string, next: BuilderNode | null) => void;
};

/**
 * The segment builder: groups of condition rows (a field, an operator, a value; or a tag) that
 * all (AND) or any (OR) must hold, each row or group negatable (NOT), nested up to the language's
 * depth. Only fields and operators of the server's catalogue are offered.
 */
export function FilterBuilder({
  root,
  onChange,
  catalogue,
  tags,
  incomplete,
}: {
  root: Group;
  onChange: (root: Group) => void;
  catalogue: Catalogue;
  tags: TagCount[];
  incomplete: readonly string[];
}) {
  const ctx: Context = {
    catalogue,
    byName: new Map(catalogue.fields.map((f) => [f.name, f])),
    tags,
    incomplete: new Set(incomplete),
    update: (id, next) => onChange(replaceNode(root, id, next)),
  };
  return <GroupEditor node={root} depth={1} root ctx={ctx} />;
}

function GroupEditor({
  node,
  depth,
  root,
  ctx,
}: {
  node: Group;
  depth: number;
  root?: boolean;
  ctx: Context;
}) {
  const { t } = useI18n();
  const add = (child: BuilderNode) => ctx.update(node.id, { ...node, children: [...node.children, child] });
  return (
    <div
      data-testid="builder-group"
      style={{
        borderLeft: `3px solid ${node.not ? '#cf1322' : '#fdba74'}`,
        padding: '8px 0 8px 12px',
        margin: root ? 0 : '8px 0',
        background: root ? undefined : '#fffaf5',
      }}
    >
      <Space wrap>
        <Select
          aria-label={t('builder.all')}
          data-testid="group-mode"
          value={node.mode}
          style={{ width: 190 }}
          onChange={(mode: 'all' | 'any') => ctx.update(node.id, { ...node, mode })}
          options={[
            { value: 'all', label: t('builder.all') },
            { value: 'any', label: t('builder.any') },
          ]}
        />
        <Checkbox
          checked={node.not}
          onChange={(e) => ctx.update(node.id, { ...node, not: e.target.checked })}
        >
          {t('builder.not')}
        </Checkbox>
        {!root && (
          <Tooltip title={t('builder.remove')}>
            <Button
              aria-label={t('builder.remove')}
              icon={<DeleteOutlined />}
              onClick={() => ctx.update(node.id, null)}
            />
          </Tooltip>
        )}
      </Space>
      <div style={{ marginTop: 8 }}>
        {node.children.map((child) =>
          child.kind === 'group' ? (
            <GroupEditor key={child.id} node={child} depth={depth + 1} ctx={ctx} />
          ) : (
            <Row key={child.id} node={child} ctx={ctx} />
          ),
        )}
      </div>
      <Space wrap style={{ marginTop: 4 }}>
        <Button size="small" icon={<PlusOutlined />} onClick={() => add(emptyCondition())}>
          {t('builder.addCondition')}
        </Button>
        <Button size="small" icon={<PlusOutlined />} onClick={() => add(emptyTag())}>
          {t('builder.addTag')}
        </Button>
        {depth < ctx.catalogue.limits.depth - 1 && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => add(emptyGroup(node.mode === 'all' ? 'any' : 'all'))}
          >
            {t('builder.addGroup')}
          </Button>
        )}
      </Space>
    </div>
  );
}

function Row({ node, ctx }: { node: Exclude<BuilderNode, Group>; ctx: Context }) {
  const { t } = useI18n();
  const missing = ctx.incomplete.has(node.id);
  return (
    <div
      data-testid="builder-row"
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 8,
        alignItems: 'center',
        padding: '4px 6px',
        marginBottom: 4,
        borderRadius: 6,
        outline: missing ? '1px dashed #faad14' : undefined,
      }}
    >
      <Checkbox checked={node.not} onChange={(e) => ctx.update(node.id, { ...node, not: e.target.checked })}>
        {t('builder.not')}
      </Checkbox>
      {node.kind === 'tag' ? <TagRow node={node} ctx={ctx} /> : <FieldRow node={node} ctx={ctx} />}
      <Tooltip title={t('builder.remove')}>
        <Button
          aria-label={t('builder.remove')}
          type="text"
          icon={<DeleteOutlined />}
          onClick={() => ctx.update(node.id, null)}
        />
      </Tooltip>
    </div>
  );
}

function FieldRow({ node, ctx }: { node: Extract<BuilderNode, { kind: 'field' }>; ctx: Context }) {
  const { t } = useI18n();
  const field = node.field === null ? undefined : ctx.byName.get(node.field);
  const groups = ['stats', 'scores', 'profile'] as const;
  return (
    <>
      <Select
        data-testid="builder-field"
        aria-label={t('builder.field')}
        placeholder={t('builder.field')}
        showSearch={{ optionFilterProp: 'label' }}
        style={{ width: 220 }}
        value={node.field ?? undefined}
        onChange={(name: string) => {
          const next = ctx.byName.get(name);
          const op = next?.ops[0] ?? null;
          ctx.update(node.id, {
            ...node,
            field: name,
            op,
            value: next && op ? initialValue(next, op) : null,
          });
        }}
        options={groups.map((g) => ({
          label: t(`builder.group.${g}`),
          options: ctx.catalogue.fields
            .filter((f) => f.name.startsWith(`${g}.`))
            .map((f) => ({ value: f.name, label: fieldLabel(t, f.name), title: f.doc })),
        }))}
      />
      {field && (
        <Select
          data-testid="builder-op"
          aria-label={t('builder.op')}
          style={{ width: 120 }}
          value={node.op ?? undefined}
          onChange={(op: string) => ctx.update(node.id, { ...node, op, value: initialValue(field, op) })}
          options={field.ops.map((op) => ({ value: op, label: opLabel(t, op) }))}
        />
      )}
      {field && node.op && (
        <ValueEditor
          field={field}
          op={node.op}
          value={node.value}
          onChange={(value) => ctx.update(node.id, { ...node, value })}
        />
      )}
    </>
  );
}

function ValueEditor({
  field,
  op,
  value,
  onChange,
}: {
  field: CatalogueField;
  op: string;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
}) {
  const { t, lang, shop } = useI18n();
  const suffix =
    field.unit === 'fen' ? t('builder.yuan') : field.unit === 'days' ? t('builder.days') : undefined;
  const numeric = field.type === 'integer' || field.type === 'number';
  const number = (
    v: number | null | undefined,
    set: (n: number | null) => void,
    label: string,
  ): ReactNode => (
    <InputNumber
      aria-label={label}
      data-testid="builder-number"
      value={v ?? null}
      min={field.range?.[0]}
      max={field.range?.[1]}
      step={field.unit === 'fen' ? 0.01 : field.type === 'integer' ? 1 : 0.1}
      precision={field.unit === 'fen' ? 2 : field.type === 'integer' ? 0 : undefined}
      suffix={suffix}
      style={{ width: 150 }}
      onChange={(n) => set(typeof n === 'number' ? n : null)}
    />
  );
  const listed = field.values ?? field.suggestions;
  const options = listed?.map((v) => ({ value: v, label: valueLabel(t, lang, shop, field.name, v) }));
  if (numeric && op === 'between') {
    const pair: [number | null, number | null] =
      Array.isArray(value) && value.length === 2
        ? [typeof value[0] === 'number' ? value[0] : null, typeof value[1] === 'number' ? value[1] : null]
        : [null, null];
    return (
      <Space>
        {number(pair[0], (n) => onChange([n, pair[1]]), `${fieldLabel(t, field.name)} ${t('customers.min')}`)}
        <span>–</span>
        {number(pair[1], (n) => onChange([pair[0], n]), `${fieldLabel(t, field.name)} ${t('customers.max')}`)}
      </Space>
    );
  }
  if (op === 'in') {
    const list = Array.isArray(value) ? value.map(String) : [];
    return (
      <Select
        data-testid="builder-values"
        aria-label={t('builder.value')}
        mode={field.values ? 'multiple' : 'tags'}
        style={{ minWidth: 220 }}
        value={list}
        options={options}
        onChange={(next: string[]) =>
          onChange(field.type === 'integer' ? next.map(Number).filter(Number.isFinite) : next)
        }
      />
    );
  }
  if (numeric) {
    return number(typeof value === 'number' ? value : null, onChange, fieldLabel(t, field.name));
  }
  if (field.type === 'boolean') {
    return (
      <Select
        aria-label={t('builder.value')}
        style={{ width: 100 }}
        value={value === true ? 'true' : value === false ? 'false' : undefined}
        onChange={(v: string) => onChange(v === 'true')}
        options={[
          { value: 'true', label: t('builder.yes') },
          { value: 'false', label: t('builder.no') },
        ]}
      />
    );
  }
  const text = typeof value === 'string' ? value : '';
  if (field.values) {
    return (
      <Select
        aria-label={t('builder.value')}
        style={{ width: 180 }}
        value={text || undefined}
        options={options}
        onChange={(v: string) => onChange(v)}
      />
    );
  }
  if (options) {
    return (
      <AutoComplete
        aria-label={t('builder.value')}
        style={{ width: 180 }}
        value={text}
        options={options}
        onChange={(v: string) => onChange(v)}
        showSearch={{ filterOption: (input, option) => String(option?.value ?? '').includes(input) }}
      />
    );
  }
  return (
    <Input
      aria-label={t('builder.value')}
      style={{ width: 180 }}
      value={text}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function TagRow({ node, ctx }: { node: Extract<BuilderNode, { kind: 'tag' }>; ctx: Context }) {
  const { t, lang, shop } = useI18n();
  const days = (v: number | null, set: (n: number | null) => void, label: string) => (
    <InputNumber
      aria-label={label}
      placeholder={label}
      min={0}
      max={3650}
      precision={0}
      value={v}
      suffix={t('builder.days')}
      style={{ width: 150 }}
      onChange={(n) => set(typeof n === 'number' ? n : null)}
    />
  );
  return (
    <>
      <Select
        aria-label={t('builder.tag')}
        style={{ width: 200 }}
        value={node.prefix ? 'prefix' : 'tag'}
        onChange={(v: string) => ctx.update(node.id, { ...node, prefix: v === 'prefix' })}
        options={[
          { value: 'tag', label: t('builder.hasTag') },
          { value: 'prefix', label: t('builder.hasPrefix') },
        ]}
      />
      <AutoComplete
        data-testid="builder-tag"
        aria-label={t('builder.tag')}
        placeholder={node.prefix ? ctx.catalogue.tag_prefixes.join(' ') : t('builder.tag')}
        style={{ width: 240 }}
        value={node.tag}
        onChange={(tag: string) => ctx.update(node.id, { ...node, tag })}
        options={(node.prefix
          ? ctx.catalogue.tag_prefixes.map((p) => ({ tag: p, customers: 0 }))
          : ctx.tags
        ).map((c) => ({
          value: c.tag,
          label: node.prefix ? c.tag : `${tagLabel(lang, shop, c.tag)} (${c.customers})`,
        }))}
        showSearch={{
          filterOption: (input, option) =>
            String(option?.value ?? '').includes(input) || String(option?.label ?? '').includes(input),
        }}
      />
      {days(
        node.sinceDays,
        (sinceDays) => ctx.update(node.id, { ...node, sinceDays }),
        t('builder.sinceDays'),
      )}
      {days(
        node.withinDays,
        (withinDays) => ctx.update(node.id, { ...node, withinDays }),
        t('builder.withinDays'),
      )}
    </>
  );
}
