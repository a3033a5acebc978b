import { describe, expect, test } from 'vitest';
import { formatImport } from './import.ts';

describe('formatImport', () => {
  test('an item file says how many orders got their items, how many wait, and which could not', () => {
    const text = formatImport(
      {
        id: 7,
        status: 'done',
        format: 'taobao_order_items',
        failure: null,
        summary: {
          rows_read: 3,
          rows_imported: 3,
          order_items_attached: 1,
          order_items_waiting: 1,
          order_items_problems: [{ order_id: '31', reason: 'the items differ' }],
        },
      },
      false,
    );
    expect(text).toContain('order items attached to 1 orders, 1 orders still to import');
    expect(text).toContain('items of order 31 not attached: the items differ');
  });

  test('a failure and the counts by reason, largest first, each with its first line as an example', () => {
    const text = formatImport(
      {
        id: 9,
        status: 'failed',
        format: 'taobao_orders',
        failure: {
          code: 'undecodable_text',
          en: 'a.csv, line 9: not GB18030',
          zh: 'a.csv 第 9 行：不是 GB18030',
        },
        summary: {
          reasons: [
            {
              kind: 'rejected',
              code: 'id_rounded_by_excel',
              column: '订单编号',
              count: 3,
              example: { en: 'The id "6.9E+18" was rounded by Excel', zh: '编号已被 Excel 改写' },
            },
            {
              kind: 'skipped',
              code: 'not_paid',
              column: null,
              count: 1,
              example: { en: 'not paid', zh: '未付款' },
            },
          ],
        },
      },
      false,
    );
    expect(text.split('\n').slice(1, 2)).toEqual(['  a.csv, line 9: not GB18030']);
    expect(text).toContain(
      '  rejected 3× id_rounded_by_excel [订单编号], e.g. The id "6.9E+18" was rounded by Excel\n',
    );
    expect(text.endsWith('  skipped 1× not_paid, e.g. not paid')).toBe(true);
  });

  test('other files say nothing of order items', () => {
    const text = formatImport(
      { id: 8, status: 'done', format: 'jd_orders', failure: null, summary: { rows_read: 1 } },
      false,
    );
    expect(text).not.toContain('order items');
  });
});
