import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { csvText, linesOf, mapFile } from './test-helpers.ts';

const SAMPLE = fileURLToPath(
  new URL('../../../../../../shared/formats/samples/youzan/youzan_order_export_fixture.csv', import.meta.url),
);

const HEADER = readFileSync(SAMPLE, 'utf8').split('\n')[0]!.split(',');

const order = (over: Record<string, string>) => ({
  订单号: 'E20220331142238091806171',
  订单状态: '交易完成',
  订单创建时间: '2022-03-31 14:22:38',
  买家付款时间: '2022-03-31 14:23:00',
  订单实付金额: '69.20',
  订单实收金额: '69.20',
  买家手机号: '\t13999999999',
  订单已退款金额: '——',
  ...over,
});

describe('youzan_orders', () => {
  test('the sample is detected and every order maps', async () => {
    const mapped = await mapFile(createReadStream(SAMPLE), { expect: 'youzan_orders' });
    expect(mapped.rejected).toEqual([]);
    expect(mapped.skipped).toEqual([]);
    expect(mapped.events).toEqual([
      {
        id: 'youzan-order-O-1',
        kind: 'order.paid',
        occurred_at: '2026-06-19T10:01:00+08:00',
        source: 'youzan',
        identities: [{ kind: 'phone', value: '13800138000' }],
        properties: { shop: 'youzan', order_id: 'O-1', amount_fen: 10000 },
      },
      {
        id: 'youzan-order-O-2',
        kind: 'order.paid',
        occurred_at: '2026-06-19T11:01:00+08:00',
        source: 'youzan',
        identities: [{ kind: 'phone', value: '13200000000' }],
        properties: { shop: 'youzan', order_id: 'O-2', amount_fen: 20000 },
      },
      {
        id: 'youzan-order-O-3',
        kind: 'order.paid',
        occurred_at: '2026-06-19T12:01:00+08:00',
        source: 'youzan',
        identities: [{ kind: 'phone', value: '13900139000' }],
        properties: { shop: 'youzan', order_id: 'O-3', amount_fen: 30000 },
      },
    ]);
  });

  test('refunds, unpaid and closed orders, and rejections', async () => {
    const text = csvText(HEADER, [
      order({ 订单已退款金额: '20.00' }), // 2
      order({ 订单号: 'E2', 订单状态: '待付款', 买家付款时间: '——' }), // 3
      order({ 订单号: 'E3', 订单状态: '交易关闭', 买家付款时间: '' }), // 4
      order({ 订单号: 'E4', 订单状态: '交易关闭' }), // 5: paid, then closed
      order({ 订单号: 'E5', 买家手机号: '186******05' }), // 6
      order({ 订单号: 'E6', 买家手机号: '' }), // 7
      order({ 订单号: '1.2E+22' }), // 8
      order({ 订单号: 'E8', 订单实付金额: '六十九' }), // 9
      order({ 订单号: '' }), // 10
      order({ 订单号: 'E9', 订单状态: '待发货', 买家付款时间: '' }), // 11
    ]);
    const mapped = await mapFile(text, { expect: 'youzan_orders' });
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(mapped.outcomes[0]).toEqual({
      kind: 'events',
      lines: [2],
      events: [
        {
          id: 'youzan-order-E20220331142238091806171',
          kind: 'order.paid',
          occurred_at: '2022-03-31T14:23:00+08:00',
          source: 'youzan',
          identities: [{ kind: 'phone', value: '13999999999' }],
          properties: { shop: 'youzan', order_id: 'E20220331142238091806171', amount_fen: 6920 },
        },
        {
          id: 'youzan-refund-E20220331142238091806171',
          kind: 'order.refunded',
          occurred_at: '2022-03-31T14:23:00+08:00',
          source: 'youzan',
          identities: [{ kind: 'phone', value: '13999999999' }],
          properties: { shop: 'youzan', order_id: 'E20220331142238091806171', amount_fen: 2000 },
        },
      ],
    });
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 3,
        reason: { code: 'not_paid', en: '订单状态 待付款: not paid', zh: '订单状态为“待付款”：未付款' },
      },
      {
        kind: 'skipped',
        line: 4,
        reason: {
          code: 'unpaid_closed',
          en: '订单状态 交易关闭 without payment: not a purchase',
          zh: '订单状态为“交易关闭”且未付款：不算购买',
        },
      },
    ]);
    expect(mapped.outcomes[3]).toMatchObject({
      events: [
        { id: 'youzan-order-E4', properties: { amount_fen: 6920 } },
        { id: 'youzan-refund-E4', properties: { amount_fen: 6920 } },
      ],
    });
    expect(mapped.outcomes[4]).toMatchObject({
      events: [{ identities: [{ kind: 'phone', value: '186******05' }] }],
    });
    expect(mapped.rejected.map((r) => [r.line, r.column])).toEqual([
      [7, '买家手机号'],
      [8, '订单号'],
      [9, '订单实付金额'],
      [10, '订单号'],
      [11, '买家付款时间'],
    ]);
    expect(mapped.rejected[1]?.reason.en).toContain('rounded by Excel');
    expect(mapped.rejected.map((r) => r.reason.code)).toEqual([
      'no_buyer',
      'id_rounded_by_excel',
      'not_an_amount',
      'order_id_empty',
      'paid_time_empty',
    ]);
    expect(mapped.rejected[0]?.reason).toEqual({
      code: 'no_buyer',
      en: 'No buyer: 买家手机号 is empty or not in the file, and the export has no other buyer id.',
      zh: '没有买家：买家手机号为空或不在文件中，且导出文件中没有其他买家编号。',
    });
    expect(mapped.rejected[4]?.reason.en).toBe('The payment time is empty although the order is "待发货".');
    expect(mapped.rejected[4]?.reason.zh).toContain('“待发货”');
  });

  test('importing the same file twice gives identical events', async () => {
    const first = await mapFile(createReadStream(SAMPLE));
    const second = await mapFile(createReadStream(SAMPLE));
    expect(second.events).toEqual(first.events);
  });
});
