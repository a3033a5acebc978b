/** The filter language's validation (pure): what it accepts, and where it says a bad filter is wrong. */
import { describe, expect, test } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { FILTER_LIMITS, parseFilter, requireFilter } from './filter.schema.ts';
import { csvField, csvLine, escapeCell } from './spreadsheet-cell.ts';

describe('parseFilter accepts', () => {
  test.each([
    { all: [] },
    {
      any: [
        { field: 'scores.total', op: '>=', value: 60 },
        { tag: 'activity:silent', since_days: 30 },
      ],
    },
    { not: { tag_prefix: 'shop:' } },
    { field: 'stats.orders', op: 'between', value: [2, 5] },
    { field: 'scores.rfm_group', op: 'in', value: ['important_value', 'none'] },
    { field: 'profile.shops', op: 'contains', value: 'tmall' },
    { field: 'scores.koc_candidate', op: '=', value: true },
    { field: 'scores.band', op: '!=', value: 'other' },
    { tag: 'manual:高净值', within_days: 7 },
  ])('%j', (filter) => {
    expect(parseFilter(filter)).toEqual({ ok: true, filter });
  });
});

describe('parseFilter rejects, naming the bad node', () => {
  const cases: [string, unknown, string, (string | number)[]][] = [
    ['a non-object', 42, 'not_an_object', []],
    ['a node of no kind', { foo: 1 }, 'unknown_node', []],
    ['a node of two kinds', { all: [], tag: 'x' }, 'unknown_node', []],
    ['an unknown key', { all: [], extra: 1 }, 'unknown_key', []],
    [
      'an unknown field deep down',
      { all: [{ tag: 'a:b' }, { any: [{ field: 'scores.totl', op: '>', value: 1 }] }] },
      'unknown_field',
      ['all', 1, 'any', 0, 'field'],
    ],
    ['an operator the type lacks', { field: 'scores.band', op: '>', value: 'other' }, 'bad_operator', ['op']],
    ['contains on a number', { field: 'stats.orders', op: 'contains', value: '1' }, 'bad_operator', ['op']],
    ['a string for a number', { field: 'stats.orders', op: '>=', value: '5' }, 'bad_value', ['value']],
    ['a fraction for an integer', { field: 'stats.orders', op: '>=', value: 1.5 }, 'bad_value', ['value']],
    ['an unknown band', { field: 'scores.band', op: '=', value: 'gold' }, 'bad_value', ['value']],
    [
      'a short between',
      { not: { field: 'stats.orders', op: 'between', value: [1] } },
      'bad_value',
      ['not', 'value'],
    ],
    ['an empty in', { field: 'stats.orders', op: 'in', value: [] }, 'bad_value', ['value']],
    [
      'an in of the wrong type',
      { field: 'stats.orders', op: 'in', value: [1, 'x'] },
      'bad_value',
      ['value', 1],
    ],
    ['a negative tag age', { tag: 'activity:silent', since_days: -1 }, 'bad_tag', ['since_days']],
    ['a tag with a control character', { tag: 'a\u0000b' }, 'bad_tag', ['tag']],
    ['an unknown key on a tag', { tag: 'a', days: 3 }, 'unknown_key', []],
    ['an array as a node', { all: [[]] }, 'not_an_object', ['all', 0]],
  ];
  test.each(cases)('%s', (_name, filter, code, path) => {
    const result = parseFilter(filter);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]).toMatchObject({ code, path });
    }
  });

  test('trees deeper than the limit', () => {
    let filter: unknown = { tag: 'a' };
    for (let i = 0; i < FILTER_LIMITS.depth; i += 1) {
      filter = { not: filter };
    }
    const result = parseFilter(filter);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]).toMatchObject({
        code: 'too_deep',
        path: Array(FILTER_LIMITS.depth).fill('not'),
      });
    }
  });

  test('trees with more nodes than the limit', () => {
    const filter = { any: Array.from({ length: FILTER_LIMITS.nodes }, () => ({ tag: 'a' })) };
    const result = parseFilter(filter);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual([expect.objectContaining({ code: 'too_many_nodes' })]);
    }
  });

  test('requireFilter throws invalid_request with the path under its label', () => {
    try {
      requireFilter({ all: [{ field: 'stats.orders', op: '~', value: 1 }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_request');
      expect((error as AppError).message).toMatch(/^filter\.all\.0\.op: stats\.orders \(integer\) takes/);
    }
  });
});

describe('spreadsheet cells', () => {
  test.each(['=HYPERLINK("http://evil.example","click")', '+1', '-1+2', '@SUM(A1)', '\tx', '\r=1'])(
    'a text cell starting %j is escaped',
    (value) => {
      expect(escapeCell(value)).toBe(`'${value}`);
    },
  );
  test('other text and numbers stay as they are; CSV quoting is RFC 4180', () => {
    expect(escapeCell('小鹿')).toBe('小鹿');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvLine(['x', 1, true])).toBe('x,1,true\r\n');
  });
});
