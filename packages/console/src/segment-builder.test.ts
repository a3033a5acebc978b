import { expect, test } from 'vitest';
import { composeFilter, readFilterState, writeFilterState } from './customer-filter.ts';
import type { CatalogueField, FilterNode } from './filters.ts';
import { selectionQuery } from './filters.ts';
import {
  type BuilderNode,
  depthOf,
  emptyCondition,
  emptyGroup,
  fromFilter,
  type Group,
  replaceNode,
  toFilter,
} from './segment-builder.ts';

const FIELDS: CatalogueField[] = [
  { name: 'stats.orders', type: 'integer', doc: '', ops: ['=', '!=', '<', '<=', '>', '>=', 'between', 'in'] },
  { name: 'stats.net_fen', type: 'integer', doc: '', ops: ['>=', 'between'], unit: 'fen' },
  { name: 'scores.total', type: 'number', doc: '', ops: ['>=', 'between'] },
  { name: 'scores.band', type: 'text', doc: '', ops: ['=', '!=', 'in'], values: ['super_user'] },
  { name: 'scores.koc_candidate', type: 'boolean', doc: '', ops: ['=', '!='] },
  { name: 'profile.shops', type: 'text_list', doc: '', ops: ['contains'] },
];

const field = (name: string, op: string, value: unknown, not = false) =>
  ({ id: `${name}${op}`, kind: 'field', not, field: name, op, value }) as BuilderNode;

test('rows in AND / OR groups with NOT become the filter; money is entered in yuan and sent in fen', () => {
  const root: Group = {
    id: 'root',
    kind: 'group',
    not: false,
    mode: 'all',
    children: [
      field('stats.net_fen', 'between', [100, 299.99]),
      field('scores.total', '>=', 60),
      {
        id: 'g',
        kind: 'group',
        not: true,
        mode: 'any',
        children: [
          {
            id: 't',
            kind: 'tag',
            not: false,
            prefix: false,
            tag: 'activity:silent',
            sinceDays: 30,
            withinDays: null,
          },
          field('profile.shops', 'contains', 'jd'),
        ],
      },
      field('scores.band', 'in', ['super_user']),
      field('scores.koc_candidate', '=', true, true),
    ],
  };
  expect(toFilter(root, FIELDS)).toEqual({
    ok: true,
    filter: {
      all: [
        { field: 'stats.net_fen', op: 'between', value: [10_000, 29_999] },
        { field: 'scores.total', op: '>=', value: 60 },
        {
          not: {
            any: [
              { tag: 'activity:silent', since_days: 30 },
              { field: 'profile.shops', op: 'contains', value: 'jd' },
            ],
          },
        },
        { field: 'scores.band', op: 'in', value: ['super_user'] },
        { not: { field: 'scores.koc_candidate', op: '=', value: true } },
      ],
    },
  });
});

test('rows not filled in are named, and nothing is sent for them', () => {
  const root: Group = {
    ...emptyGroup(),
    children: [
      field('scores.total', '>=', null),
      { ...emptyCondition(), id: 'blank' },
      { id: 'tag', kind: 'tag', not: false, prefix: false, tag: '  ', sinceDays: null, withinDays: null },
      field('stats.orders', 'between', [1, null]),
      field('stats.orders', 'in', ['x']),
    ],
  };
  const result = toFilter(root, FIELDS);
  expect(result.ok).toBe(false);
  expect(result.ok ? [] : result.incomplete).toEqual([
    'scores.total>=',
    'blank',
    'tag',
    'stats.ordersbetween',
    'stats.ordersin',
  ]);
  // an empty group is the language's own: all-of nobody-excluded = everyone, any-of = nobody
  expect(toFilter(emptyGroup('all'), FIELDS)).toEqual({ ok: true, filter: { all: [] } });
  expect(toFilter(emptyGroup('any'), FIELDS)).toEqual({ ok: true, filter: { any: [] } });
});

test('a stored filter comes back into the builder and out again unchanged', () => {
  const filters: FilterNode[] = [
    { all: [] },
    {
      any: [
        { tag_prefix: 'shop:', within_days: 7 },
        { not: { all: [{ field: 'stats.orders', op: 'in', value: [1, 2, 3] }] } },
        { field: 'scores.band', op: '!=', value: 'super_user' },
      ],
    },
  ];
  for (const filter of filters) {
    expect(toFilter(fromFilter(filter, FIELDS), FIELDS)).toEqual({ ok: true, filter });
  }
  // the root is always a group; a NOT of a NOT is a negated group around a negated row
  const single: FilterNode = { field: 'stats.net_fen', op: '>=', value: 12_345 };
  expect(toFilter(fromFilter(single, FIELDS), FIELDS)).toEqual({ ok: true, filter: { all: [single] } });
  expect(fromFilter(single, FIELDS).children[0]).toMatchObject({ value: 123.45 });
  expect(toFilter(fromFilter({ not: { not: { tag: 'manual:vip' } } }, FIELDS), FIELDS)).toEqual({
    ok: true,
    filter: { all: [{ not: { all: [{ not: { tag: 'manual:vip' } }] } }] },
  });
});

test('rows are replaced and removed by id; depth counts groups', () => {
  const inner = { ...emptyGroup(), children: [field('stats.orders', '>=', 1)] };
  const root: Group = { ...emptyGroup(), children: [inner] };
  expect(depthOf(root)).toBe(3);
  const removed = replaceNode(root, 'stats.orders>=', null);
  expect(depthOf(removed)).toBe(2);
  const replaced = replaceNode(root, 'stats.orders>=', field('stats.orders', '>=', 5));
  expect(toFilter(replaced, FIELDS)).toEqual({
    ok: true,
    filter: { all: [{ all: [{ field: 'stats.orders', op: '>=', value: 5 }] }] },
  });
});

test('the Customers page: controls in the URL, composed into one filter', () => {
  const params = new URLSearchParams(
    'q=138&after=99&tag=activity:active&tag=shop:tmall&total_min=40&social_max=80',
  );
  const state = readFilterState(params);
  expect(composeFilter(state)).toEqual({
    all: [
      { tag: 'activity:active' },
      { tag: 'shop:tmall' },
      { field: 'scores.total', op: '>=', value: 40 },
      { field: 'scores.social', op: '<=', value: 80 },
    ],
  });
  const any = { ...state, tagMode: 'any' as const, ranges: { ...state.ranges, total: { min: 90, max: 10 } } };
  expect(composeFilter({ ...any, bands: ['super_user'], segment: 4 })).toEqual({
    all: [
      { any: [{ tag: 'activity:active' }, { tag: 'shop:tmall' }] },
      { field: 'scores.total', op: 'between', value: [10, 90] },
      { field: 'scores.social', op: '<=', value: 80 },
      { field: 'scores.band', op: 'in', value: ['super_user'] },
    ],
  });
  // writing the state keeps the search, drops the page cursor, and reads back the same
  const written = writeFilterState(params, { ...any, segment: 4 });
  expect(written.get('q')).toBe('138');
  expect(written.get('after')).toBeNull();
  expect(readFilterState(written)).toEqual({ ...any, segment: 4 });
  expect(composeFilter(readFilterState(new URLSearchParams('total_min=abc&segment=-1')))).toBeNull();
  expect(selectionQuery({ q: 'x', filter: { tag: 'a' }, segment: 3 }).toString()).toBe(
    'q=x&filter=%7B%22tag%22%3A%22a%22%7D&segment=3',
  );
});
