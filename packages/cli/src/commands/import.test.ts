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

  test('other files say nothing of order items', () => {
    const text = formatImport(
      { id: 8, status: 'done', format: 'jd_orders', failure: null, summary: { rows_read: 1 } },
      false,
    );
    expect(text).not.toContain('order items');
  });
});
