import { DownloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { CustomerSummary } from '../api.ts';
import { AsyncView } from '../components/AsyncView.tsx';
import {
  type CustomerFilterState,
  composeFilter,
  isFiltered,
  readFilterState,
  SCORE_FIELDS,
  writeFilterState,
} from '../customer-filter.ts';
import { tagLabel } from '../filter-labels.ts';
import { type Segment, selectionQuery, type TagCount } from '../filters.ts';
import { yuan } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { BAND_COLORS, type Band, RFM_GROUP_NAMES, rfmGroupName, score, tagName } from '../scores.ts';
import { useSession } from '../session.tsx';
import { type Loaded, useApi } from '../use-api.ts';
import { useDebounced } from '../use-debounced.ts';

const PAGE = 20;
const BANDS: Band[] = ['super_user', 'second_tier', 'other'];

type ListAnswer = { customers: CustomerSummary[]; next_after?: number | null; customer_ids?: number[] };

/**
 * Search by any identity, filter by tags, a saved segment and score ranges (together), page
 * through the result (keyset pages from the server), count it and export it. The controls live in
 * the URL; the server gets one filter of the filter language (customer-filter.ts) plus the
 * segment and the search text, for the list, its count and its export alike.
 */
export function CustomersPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const after = params.get('after');
  const state = useMemo(() => readFilterState(params), [params]);
  const filtered = isFiltered(state);
  const selection = selectionQuery({ q, filter: composeFilter(state), segment: state.segment }).toString();
  // Typing a range asks the server once the value has settled, not at every keystroke.
  const settled = useDebounced(selection, 300);
  const paging = q === '' ? `limit=${PAGE}${after ? `&after=${after}` : ''}` : '';
  const list = useApi<ListAnswer>(`/v1/customers?${[settled, paging].filter(Boolean).join('&')}`);
  const count = useApi<{ count: number; exact: boolean }>(`/v1/customers/count?${settled}`);
  const setState = (next: CustomerFilterState) =>
    setParams(writeFilterState(params, next), { replace: true });

  return (
    <Card title={t('nav.customers')}>
      <SearchBar
        q={q}
        onSearch={(value) => {
          const next = new URLSearchParams(params);
          next.delete('after');
          if (value) {
            next.set('q', value);
          } else {
            next.delete('q');
          }
          setParams(next);
        }}
      />
      <FilterBar state={state} onChange={setState} filtered={filtered} />
      <Space style={{ margin: '12px 0', width: '100%', justifyContent: 'space-between' }} wrap>
        <CountLine count={count} />
        {can('customers.export') && (
          <Space>
            {(['csv', 'xlsx'] as const).map((format) => (
              <Tooltip key={format} title={t('customers.exportNote')}>
                <Button
                  icon={<DownloadOutlined />}
                  href={`/v1/customers/export?format=${format}&${selection}`}
                  data-testid={`export-${format}`}
                >
                  {t(format === 'csv' ? 'customers.exportCsv' : 'customers.exportXlsx')}
                </Button>
              </Tooltip>
            ))}
          </Space>
        )}
      </Space>
      <AsyncView loaded={list}>
        {(data) => (
          <>
            <CustomerTable
              rows={data.customers}
              empty={
                q !== '' ? t('customers.noMatch') : filtered ? t('customers.noFilterMatch') : t('state.empty')
              }
            />
            {q === '' && (
              <Space style={{ marginTop: 16 }}>
                <Button
                  disabled={!after}
                  onClick={() => {
                    const next = new URLSearchParams(params);
                    next.delete('after');
                    setParams(next);
                  }}
                >
                  {t('customers.first')}
                </Button>
                <Button
                  disabled={!data.next_after}
                  onClick={() => {
                    const next = new URLSearchParams(params);
                    next.set('after', String(data.next_after));
                    setParams(next);
                  }}
                >
                  {t('customers.next')}
                </Button>
              </Space>
            )}
          </>
        )}
      </AsyncView>
    </Card>
  );
}

function SearchBar({ q, onSearch }: { q: string; onSearch: (value: string) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(q);
  return (
    <Space style={{ marginBottom: 12 }}>
      <Input.Search
        style={{ width: 420 }}
        placeholder={t('customers.search')}
        enterButton={t('customers.searchButton')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(value) => onSearch(value.trim())}
        allowClear
        data-testid="customer-search"
      />
      {q !== '' && (
        <Button
          onClick={() => {
            setText('');
            onSearch('');
          }}
        >
          {t('customers.clear')}
        </Button>
      )}
    </Space>
  );
}

function FilterBar({
  state,
  onChange,
  filtered,
}: {
  state: CustomerFilterState;
  onChange: (state: CustomerFilterState) => void;
  filtered: boolean;
}) {
  const { t, lang, shop, describeError } = useI18n();
  const tags = useApi<{ tags: TagCount[] }>('/v1/tags');
  const segments = useApi<{ segments: Segment[] }>('/v1/segments');
  const range = (field: (typeof SCORE_FIELDS)[number]) => {
    const label = t(`value.${field}`);
    const set = (side: 'min' | 'max', n: number | null) =>
      onChange({ ...state, ranges: { ...state.ranges, [field]: { ...state.ranges[field], [side]: n } } });
    const input = (side: 'min' | 'max') => (
      <InputNumber
        aria-label={`${label} ${t(`customers.${side}`)}`}
        data-testid={`range-${field}-${side}`}
        placeholder={t(`customers.${side}`)}
        min={0}
        max={99}
        style={{ width: 72 }}
        size="small"
        value={state.ranges[field][side]}
        onChange={(n) => set(side, typeof n === 'number' ? n : null)}
      />
    );
    return (
      <Space key={field} size={4}>
        <Typography.Text type="secondary">{label}</Typography.Text>
        {input('min')}
        <span>–</span>
        {input('max')}
      </Space>
    );
  };
  return (
    <div data-testid="customer-filters" style={{ background: '#fafafa', borderRadius: 8, padding: 12 }}>
      <Space wrap size={[12, 8]}>
        <Typography.Text strong>{t('customers.filters')}</Typography.Text>
        <Select
          mode="multiple"
          allowClear
          data-testid="filter-tags"
          aria-label={t('customers.tagsPlaceholder')}
          placeholder={t('customers.tagsPlaceholder')}
          style={{ minWidth: 260 }}
          loading={tags.state === 'loading'}
          value={state.tags}
          onChange={(next: string[]) => onChange({ ...state, tags: next })}
          showSearch={{ optionFilterProp: 'label' }}
          options={(tags.state === 'ready' ? tags.data.tags : []).map((c) => ({
            value: c.tag,
            label: `${tagLabel(lang, shop, c.tag)} (${c.customers.toLocaleString('en-US')})`,
          }))}
          notFoundContent={tags.state === 'error' ? describeError(tags.error) : undefined}
        />
        {state.tags.length > 1 && (
          <Radio.Group
            size="small"
            optionType="button"
            value={state.tagMode}
            onChange={(e) => onChange({ ...state, tagMode: e.target.value === 'any' ? 'any' : 'all' })}
            options={[
              { value: 'all', label: t('customers.tagMode.all') },
              { value: 'any', label: t('customers.tagMode.any') },
            ]}
          />
        )}
        <Select
          allowClear
          data-testid="filter-segment"
          aria-label={t('customers.segmentPlaceholder')}
          placeholder={t('customers.segmentPlaceholder')}
          style={{ minWidth: 220 }}
          loading={segments.state === 'loading'}
          value={state.segment ?? undefined}
          onChange={(id: number | undefined) => onChange({ ...state, segment: id ?? null })}
          showSearch={{ optionFilterProp: 'label' }}
          options={(segments.state === 'ready' ? segments.data.segments : []).map((s) => ({
            value: s.id,
            label: s.name,
          }))}
          notFoundContent={segments.state === 'error' ? describeError(segments.error) : undefined}
        />
        {state.segment !== null && (
          <Link to={`/segments?edit=${state.segment}`}>{t('customers.editSegment')}</Link>
        )}
      </Space>
      <Space wrap size={[16, 8]} style={{ marginTop: 8 }}>
        {SCORE_FIELDS.map(range)}
        <Select
          mode="multiple"
          allowClear
          aria-label={t('customers.rfmPlaceholder')}
          placeholder={t('customers.rfmPlaceholder')}
          style={{ minWidth: 160 }}
          size="small"
          value={state.rfmGroups}
          onChange={(next: string[]) => onChange({ ...state, rfmGroups: next })}
          options={Object.keys(RFM_GROUP_NAMES).map((code) => ({
            value: code,
            label: rfmGroupName(code, lang),
          }))}
        />
        <Select
          mode="multiple"
          allowClear
          aria-label={t('customers.bandPlaceholder')}
          placeholder={t('customers.bandPlaceholder')}
          style={{ minWidth: 140 }}
          size="small"
          value={state.bands}
          onChange={(next: string[]) => onChange({ ...state, bands: next })}
          options={BANDS.map((b) => ({ value: b, label: t(`band.${b}`) }))}
        />
        {filtered && (
          <Button
            size="small"
            onClick={() =>
              onChange({
                tags: [],
                tagMode: 'all',
                ranges: Object.fromEntries(
                  SCORE_FIELDS.map((f) => [f, { min: null, max: null }]),
                ) as CustomerFilterState['ranges'],
                rfmGroups: [],
                bands: [],
                segment: null,
              })
            }
          >
            {t('customers.clearFilters')}
          </Button>
        )}
      </Space>
    </div>
  );
}

function CountLine({ count }: { count: Loaded<{ count: number; exact: boolean }> }) {
  const { t, describeError } = useI18n();
  if (count.state === 'loading') {
    return <Spin size="small" description={t('customers.counting')} />;
  }
  if (count.state === 'error') {
    return (
      <Typography.Text type="danger">
        {t('customers.countFailed', { reason: describeError(count.error) })}
      </Typography.Text>
    );
  }
  const n = count.data.count.toLocaleString('en-US');
  return count.data.exact ? (
    <Typography.Text strong data-testid="customer-count">
      {t('customers.count', { n })}
    </Typography.Text>
  ) : (
    <Tooltip title={t('customers.countEstimatedHint')}>
      <Typography.Text strong data-testid="customer-count">
        {t('customers.countEstimated', { n })}
      </Typography.Text>
    </Tooltip>
  );
}

function CustomerTable({ rows, empty }: { rows: CustomerSummary[]; empty: string }) {
  const { t, lang, shop } = useI18n();
  return (
    <Table<CustomerSummary>
      rowKey="id"
      size="middle"
      data-testid="customers"
      dataSource={rows}
      pagination={false}
      locale={{ emptyText: empty }}
      columns={[
        {
          title: t('customers.id'),
          dataIndex: 'id',
          render: (id: number) => <Link to={`/customers/${id}`}>{id}</Link>,
        },
        {
          title: t('customers.main'),
          key: 'main',
          render: (_: unknown, c: CustomerSummary) =>
            c.main_masked ? `${c.main_masked} · ${c.main_kind}` : '—',
        },
        {
          title: t('customers.shops'),
          dataIndex: 'shops',
          render: (shops: string[]) => shops.map((s) => <Tag key={s}>{shop(s)}</Tag>),
        },
        { title: t('customers.orders'), dataIndex: 'orders', align: 'right' as const },
        {
          title: t('customers.paid'),
          dataIndex: 'paid_fen',
          align: 'right' as const,
          render: (f: number) => yuan(f),
        },
        {
          title: t('value.total'),
          dataIndex: 'total',
          align: 'right' as const,
          render: (n: number | null) => (
            <span data-testid="customer-total">{n === null ? '—' : score(n)}</span>
          ),
        },
        {
          title: t('customers.values'),
          key: 'values',
          align: 'right' as const,
          render: (_: unknown, c: CustomerSummary) =>
            c.consumption === null ? '—' : `${c.consumption} / ${c.interaction} / ${c.content} / ${c.social}`,
        },
        {
          title: t('value.band'),
          dataIndex: 'band',
          render: (b: Band | null, c: CustomerSummary) => (
            <>
              {b && <Tag color={BAND_COLORS[b]}>{t(`band.${b}`)}</Tag>}
              {c.koc_candidate && <Tag color="purple">{t('koc.candidate')}</Tag>}
              {c.rfm_group && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {rfmGroupName(c.rfm_group, lang)}
                </Typography.Text>
              )}
            </>
          ),
        },
        {
          title: t('customers.tags'),
          dataIndex: 'tags',
          render: (tags: string[]) => (
            <span data-testid="customer-tags">
              {/* shop tags repeat the shops column */}
              {tags
                .filter((tag) => !tag.startsWith('shop:'))
                .map((tag) => (
                  <Tag key={tag} title={tag}>
                    {tagName(tag, lang, shop)}
                  </Tag>
                ))}
            </span>
          ),
        },
      ]}
    />
  );
}
