import { describe, expect, test } from 'vitest';
import { detectFormat } from './index.ts';
import { csvText, linesOf, mapFile } from './test-helpers.ts';

/** §2, the first 30 columns, with the full-width brackets of the real header. */
const HEADER =
  '订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,应付金额,订单状态,订单类型,下单帐号,客户姓名,客户地址,联系电话,订单备注,发票类型,发票抬头,发票内容,商家备注,商家备注等级（等级1-5为由高到低）,运费金额,付款确认时间,增值税发票,货号,订单完成时间,订单来源,订单渠道'.split(
    ',',
  );

const sku = (order: string, over: Record<string, string> = {}) => ({
  订单号: order,
  商品ID: '100012345678',
  商品名称: '玉肌皂',
  订购数量: '1',
  下单时间: '2024-06-18 00:00:10',
  京东价: '39.90',
  订单金额: '99.70',
  应付金额: '89.70',
  订单状态: '完成',
  下单帐号: 'jd_alice',
  联系电话: '1******6198',
  付款确认时间: '2024-06-18 00:00:30',
  ...over,
});

const ROWS = [
  sku('280000000001'), // 2
  sku('280000000001', { 商品ID: '100012345679', 商品名称: '玉肌乳', 订购数量: '2', 京东价: '29.90' }), // 3
  sku('280000000002', { 下单帐号: 'jd_bob', 联系电话: '13800138000', 应付金额: '10' }), // 4
  sku('280000000003', { 订单状态: '等待付款', 付款确认时间: '' }), // 5
  sku('280000000004', { 订单状态: '已取消' }), // 6: cancelled after payment
  sku('280000000005', { 订单状态: '已取消', 付款确认时间: '' }), // 7
  sku('2.8E+11'), // 8
  sku('280000000006'), // 9
  sku('280000000006', { 订购数量: '两件' }), // 10
  sku('280000000007'), // 11
  sku('280000000007', { 应付金额: '1.00' }), // 12
  sku(''), // 13
  sku('280000000008', { 下单帐号: '', 联系电话: '' }), // 14
];
const TEXT = csvText(HEADER, ROWS);

describe('jd_orders', () => {
  test('is detected from its header', () => {
    expect(detectFormat(HEADER.map((h) => h.trim()))?.format.id).toBe('jd_orders');
  });

  test('the rows of an order become one order.paid with its items', async () => {
    const mapped = await mapFile(TEXT, { expect: 'jd_orders' });
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(mapped.outcomes[0]).toEqual({
      kind: 'events',
      lines: [2, 3],
      events: [
        {
          id: 'jd-order-280000000001',
          kind: 'order.paid',
          occurred_at: '2024-06-18T00:00:30+08:00',
          source: 'jd',
          identities: [
            { kind: 'jd_pin', value: 'jd_alice' },
            { kind: 'phone', value: '1******6198' },
          ],
          properties: {
            shop: 'jd',
            order_id: '280000000001',
            amount_fen: 8970,
            items: [
              { sku: '100012345678', name: '玉肌皂', quantity: 1, price_fen: 3990 },
              { sku: '100012345679', name: '玉肌乳', quantity: 2, price_fen: 2990 },
            ],
          },
        },
      ],
    });
    expect(mapped.outcomes[1]).toMatchObject({
      lines: [4],
      events: [
        {
          id: 'jd-order-280000000002',
          identities: [
            { kind: 'jd_pin', value: 'jd_bob' },
            { kind: 'phone', value: '13800138000' },
          ],
          properties: { amount_fen: 1000 },
        },
      ],
    });
  });

  test('unpaid and cancelled orders are skipped; cancelled after payment is refunded', async () => {
    const { outcomes } = await mapFile(TEXT);
    const at = (line: number) =>
      outcomes.find((o) =>
        o.kind === 'events' || o.kind === 'items' ? o.lines[0] === line : o.line === line,
      );
    expect(at(5)).toEqual({
      kind: 'skipped',
      line: 5,
      reason: { code: 'not_paid', en: '订单状态 等待付款: not paid', zh: '订单状态为“等待付款”：未付款' },
    });
    expect(at(6)).toMatchObject({
      events: [
        { id: 'jd-order-280000000004', kind: 'order.paid', properties: { amount_fen: 8970 } },
        {
          id: 'jd-refund-280000000004',
          kind: 'order.refunded',
          occurred_at: '2024-06-18T00:00:30+08:00',
          properties: { shop: 'jd', order_id: '280000000004', amount_fen: 8970 },
        },
      ],
    });
    expect(at(7)).toMatchObject({
      kind: 'skipped',
      line: 7,
      reason: { code: 'unpaid_closed', en: '订单状态 已取消 without payment: not a purchase' },
    });
    expect(at(7)).toHaveProperty('reason.zh', expect.stringContaining('“已取消”'));
  });

  test('rejections name the column and the reason; a bad row rejects its whole order', async () => {
    // An order is emitted when the next one starts, so a lone bad row (13) can come out before it.
    const rejected = (await mapFile(TEXT)).rejected.sort((a, b) => a.line - b.line);
    expect(rejected.map((r) => [r.line, r.column])).toEqual([
      [8, '订单号'],
      [9, '订购数量'],
      [10, '订购数量'],
      [11, '应付金额'],
      [12, '应付金额'],
      [13, '订单号'],
      [14, '下单帐号'],
    ]);
    expect(rejected[0]?.reason.en).toContain('rounded by Excel');
    expect(rejected[1]?.reason.en).toBe(
      'Line 10 of the same order 280000000006 is rejected: "两件" is not a quantity (a whole number from 1)',
    );
    expect(rejected[1]?.reason.code).toBe('not_a_quantity');
    expect(rejected[1]?.reason.zh).toMatch(/^同一订单 280000000006 的第 10 行被拒：“两件”/);
    expect(rejected[2]?.reason.en).toBe('"两件" is not a quantity (a whole number from 1)');
    expect(rejected[3]?.reason.en).toContain('give different amounts');
    expect(rejected[3]?.reason).toMatchObject({
      code: 'order_amounts_differ',
      zh: expect.stringContaining('“1.00”'),
    });
    expect(rejected[4]?.reason).toEqual(rejected[3]?.reason);
    expect(rejected[5]?.reason).toEqual({
      code: 'order_id_empty',
      en: 'The order number is empty.',
      zh: '订单号为空。',
    });
    expect(rejected[6]?.reason).toMatchObject({
      code: 'no_buyer',
      en: 'No buyer: 下单帐号 and 联系电话 are empty or not in the file.',
      zh: expect.stringContaining('下单帐号'),
    });
  });

  test('no payment time: skipped as not paid; cancelled with nothing paid; a bad phone and no account', async () => {
    const { outcomes } = await mapFile(
      csvText(HEADER, [
        sku('280000000010', { 订单状态: '等待出库', 付款确认时间: '' }), // 2
        sku('280000000011', { 订单状态: '已取消', 应付金额: '0' }), // 3
        sku('280000000012', { 下单帐号: '', 联系电话: '12345' }), // 4
        sku('280000000013', { 应付金额: '', 订单金额: '' }), // 5
      ]),
    );
    expect(outcomes).toMatchObject([
      {
        kind: 'skipped',
        line: 2,
        reason: {
          code: 'not_paid',
          en: '付款确认时间 is empty (订单状态 等待出库): not paid',
          zh: '付款确认时间为空（订单状态为“等待出库”）：未付款',
        },
      },
      {
        kind: 'skipped',
        line: 3,
        reason: {
          code: 'unpaid_closed',
          en: '订单状态 cancelled and nothing paid: not a purchase',
          zh: expect.stringContaining('已取消'),
        },
      },
      {
        kind: 'rejected',
        line: 4,
        column: '联系电话',
        reason: {
          code: 'no_buyer',
          en: '"12345" is not a mobile number and 下单帐号 is empty: no buyer to attach the order to.',
          zh: expect.stringContaining('“12345”'),
        },
      },
      {
        kind: 'rejected',
        line: 5,
        column: '应付金额',
        reason: { code: 'paid_amount_empty', en: 'The order amount is empty.', zh: '订单金额为空。' },
      },
    ]);
  });

  test('importing the same file twice gives identical events', async () => {
    expect((await mapFile(TEXT)).outcomes).toEqual((await mapFile(TEXT)).outcomes);
  });

  test('the ERP subset header (no status, no payment time) dates orders when placed', async () => {
    const header =
      '店铺ID,店铺名称,订单号,商品名称,订购数量,下单时间,应付金额,下单帐号,客户姓名,客户地址,联系电话'.split(
        ',',
      );
    const mapped = await mapFile(csvText(header, [sku('280000000009', { 下单时间: '2024/6/18 9:05' })]), {
      expect: 'jd_orders',
    });
    expect(mapped.events).toEqual([
      {
        id: 'jd-order-280000000009',
        kind: 'order.paid',
        occurred_at: '2024-06-18T09:05:00+08:00',
        source: 'jd',
        identities: [
          { kind: 'jd_pin', value: 'jd_alice' },
          { kind: 'phone', value: '1******6198' },
        ],
        // No 京东价 column: the item's price is unknown, so no items.
        properties: { shop: 'jd', order_id: '280000000009', amount_fen: 8970 },
      },
    ]);
  });
});
