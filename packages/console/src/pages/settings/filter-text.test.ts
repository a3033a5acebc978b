import { expect, test } from 'vitest';
import { addCondition, filterFields, parseFilterText, splitErrorPath } from './filter-text.ts';

test('a refusal is parted into the path of the bad node and the reason', () => {
  expect(splitErrorPath('filter.all.1.not.op: stats.orders (integer) takes = != <, not "like"')).toEqual({
    path: 'filter.all[1].not.op',
    message: 'stats.orders (integer) takes = != <, not "like"',
  });
  expect(splitErrorPath('filter: a rule may not depend on rule tags ("rule:x")')).toEqual({
    path: 'filter',
    message: 'a rule may not depend on rule tags ("rule:x")',
  });
  expect(splitErrorPath('body is not valid JSON')).toBeNull();
});

test('JSON mistakes are reported, good JSON is the filter', () => {
  expect(parseFilterText('{"all": []}')).toEqual({ ok: true, filter: { all: [] } });
  expect(parseFilterText('{"all": [}')).toMatchObject({ ok: false, message: expect.any(String) });
});

test('a field adds a valid comparison for its type, into the top all', () => {
  const shops = { name: 'profile.shops', type: 'text_list' };
  const orders = { name: 'stats.orders', type: 'integer' };
  expect(addCondition(null, orders)).toEqual({ field: 'stats.orders', op: '>=', value: 0 });
  expect(addCondition({ all: [{ tag: 'x' }] }, shops)).toEqual({
    all: [{ tag: 'x' }, { field: 'profile.shops', op: 'contains', value: '' }],
  });
  expect(addCondition({ tag: 'x' }, { name: 'scores.koc_candidate', type: 'boolean' })).toEqual({
    all: [{ tag: 'x' }, { field: 'scores.koc_candidate', op: '=', value: true }],
  });
});

test('fields come from the OpenAPI document, with their types', () => {
  const doc = {
    components: {
      schemas: {
        Filter: {
          anyOf: [
            { properties: { all: {} } },
            { properties: { field: { enum: ['stats.orders', 'profile.shops'] } } },
          ],
          description: 'Fields: stats.orders (integer), profile.shops (text_list).',
        },
      },
    },
  };
  expect(filterFields(doc)).toEqual([
    { name: 'stats.orders', type: 'integer' },
    { name: 'profile.shops', type: 'text_list' },
  ]);
  expect(filterFields(null)).toEqual([]);
});
