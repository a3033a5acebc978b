import { Alert, Button, Dropdown, Input, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import type { MessageKey } from '../../i18n-dictionary.ts';
import { useApi } from '../../use-api.ts';
import {
  addCondition,
  type FilterField,
  filterFields,
  parseFilterText,
  splitErrorPath,
} from './filter-text.ts';

const COUNT_DEBOUNCE_MS = 400;

/** Filters operators start from; each is valid in the filter language (FILTER-LANGUAGE.md). */
const EXAMPLES: { key: string; label: MessageKey; filter: unknown }[] = [
  {
    key: 'bigSpenders',
    label: 'filter.example.bigSpenders',
    filter: { field: 'stats.net_fen', op: '>=', value: 100_000 },
  },
  {
    key: 'tmallRepeat',
    label: 'filter.example.tmallRepeat',
    filter: {
      all: [
        { field: 'profile.shops', op: 'contains', value: 'tmall' },
        { field: 'stats.order_days', op: '>=', value: 2 },
      ],
    },
  },
  {
    key: 'silentBuyers',
    label: 'filter.example.silentBuyers',
    filter: {
      all: [
        { tag: 'activity:silent', since_days: 30 },
        { field: 'stats.orders', op: '>=', value: 1 },
      ],
    },
  },
  {
    key: 'activeKoc',
    label: 'filter.example.activeKoc',
    filter: {
      all: [
        { field: 'scores.koc_candidate', op: '=', value: true },
        { field: 'stats.active_days_30', op: '>=', value: 5 },
      ],
    },
  },
];

/**
 * A JSON editor for a filter: JSON mistakes at once, the filter language's own (by the path of
 * the bad node, as the server names it) and the live count of customers it selects, from
 * POST /v1/segments/preview a moment after typing stops. `error` is a refusal of the last save.
 */
export function FilterEditor({
  value,
  onChange,
  error,
  disabled = false,
}: {
  value: string;
  onChange: (text: string) => void;
  error: string | null;
  disabled?: boolean;
}) {
  const { t, describeError } = useI18n();
  const parsed = parseFilterText(value);
  const key = parsed.ok ? JSON.stringify(parsed.filter) : null;
  const [counted, setCounted] = useState<
    { key: string; count: number } | { key: string; error: string } | null
  >(null);
  useEffect(() => {
    if (key === null) {
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api<{ count: number }>('/v1/segments/preview', {
        method: 'POST',
        body: JSON.stringify({ filter: JSON.parse(key) }),
      }).then(
        (r) => live && setCounted({ key, count: r.count }),
        (e: unknown) => live && setCounted({ key, error: filterErrorText(e, describeError) }),
      );
    }, COUNT_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, describeError]);
  const current = counted !== null && counted.key === key ? counted : null;
  const doc = useApi<unknown>('/openapi.json');
  const fields = useMemo(() => (doc.state === 'ready' ? filterFields(doc.data) : []), [doc]);
  const set = (filter: unknown) => onChange(JSON.stringify(filter, null, 2));
  const add = (field: FilterField) => set(addCondition(parsed.ok ? parsed.filter : null, field));

  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="filter-editor">
      {!disabled && (
        <Space wrap>
          <Dropdown
            menu={{
              items: EXAMPLES.map((e) => ({ key: e.key, label: t(e.label) })),
              onClick: ({ key: k }) => set(EXAMPLES.find((e) => e.key === k)?.filter),
            }}
          >
            <Button size="small">{t('filter.examples')}</Button>
          </Dropdown>
          <Button size="small" disabled={!parsed.ok} onClick={() => parsed.ok && set(parsed.filter)}>
            {t('filter.format')}
          </Button>
        </Space>
      )}
      <Input.TextArea
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        autoSize={{ minRows: 8, maxRows: 20 }}
        spellCheck={false}
        status={!parsed.ok || error ? 'error' : undefined}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 }}
        aria-label={t('rules.filter')}
        data-testid="filter-json"
      />
      {!parsed.ok ? (
        <Alert type="error" showIcon title={t('filter.invalidJson', { message: parsed.message })} />
      ) : error ? (
        <PathError message={error} />
      ) : current && 'error' in current ? (
        <PathError message={current.error} />
      ) : (
        <Typography.Text type="secondary" data-testid="filter-count">
          {current ? t('filter.count', { n: current.count }) : t('filter.counting')}
        </Typography.Text>
      )}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('filter.help')}
      </Typography.Paragraph>
      {!disabled && fields.length > 0 && (
        <div>
          <Typography.Text type="secondary">{t('filter.fields')} </Typography.Text>
          {fields.map((f) => (
            <Tag key={f.name} style={{ cursor: 'pointer', marginBottom: 4 }} onClick={() => add(f)}>
              {f.name}
            </Tag>
          ))}
        </div>
      )}
    </Space>
  );
}

/** A refusal, with the path of the bad node set apart: `filter.all[1].not.op`. */
/** A refused filter names the node at fault, which PathError shows; other failures read as usual. */
export function filterErrorText(error: unknown, describe: (error: unknown) => string): string {
  return error instanceof ApiError && error.code === 'invalid_request' ? error.message : describe(error);
}

export function PathError({ message }: { message: string }) {
  const { t } = useI18n();
  const split = splitErrorPath(message);
  if (!split) {
    return <Alert type="error" showIcon title={message} />;
  }
  return (
    <Alert
      type="error"
      showIcon
      data-testid="filter-error"
      title={
        <span>
          {t('filter.errorAt')} <code data-testid="filter-error-path">{split.path}</code>
        </span>
      }
      description={split.message}
    />
  );
}
