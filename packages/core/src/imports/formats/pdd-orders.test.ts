import { describe, expect, test } from 'vitest';
import type { MapOutcome } from './import-format.ts';
import { detectFormat } from './index.ts';
import { pddOrders } from './pdd-orders.ts';
import { csvText, linesOf } from './test-helpers.ts';
import { detectWith, mapWith } from './test-helpers-direct.ts';

/** §5, the ≈2020 header, with the full-width brackets of 商品总价（元） as PDD writes it. */
const HEADER =
  '商品,订单号,订单状态,商品总价（元）,店铺优惠折扣(元),平台优惠折扣(元),邮费(元),上门安装费(元),送货入户费(元),送货入户并安装费(元),用户实付金额(元),商品数量(件),身份证姓名,身份证号码,收货人,手机,是否异常,省,市,区,街道,支付时间,拼单成功时间,订单确认时间,承诺发货时间,发货时间,确认收货时间,商品id,商品规格,用户购买手机号,样式ID,商家编码-SKU维度,商家编码-商品维度,快递单号,快递公司,海淘清关订单号,支付ID,支付方式,是否抽奖或0元试用,是否顺丰加价,商家备注,售后状态,买家留言'.split(
    ',',
  );

/** An order row as PDD writes it: a tab before every value, 用户购买手机号 often nothing but the tab. */
const order = (id: string, over: Record<string, string> = {}) => {
  const row: Record<string, string> = {
    商品: '玉肌皂',
    订单号: id,
    订单状态: '已发货，待收货',
    '商品总价（元）': '59.80',
    '用户实付金额(元)': '49.80',
    '商品数量(件)': '2',
    收货人: '张**',
    手机: '13800138000',
    支付时间: '2024-06-18 00:00:30',
    拼单成功时间: '2024-06-18 00:00:31',
    商品id: '123456789',
    商品规格: '100g',
    用户购买手机号: '',
    '商家编码-SKU维度': 'YJZ-100',
    售后状态: '无售后或售后取消',
    ...over,
  };
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, `\t${v}`]));
};

const ROWS = [
  order('240618-000000001'), // 2
  order('240618-000000002', { 用户购买手机号: '13900139000' }), // 3
  order('240618-000000003', { 订单状态: '已取消' }), // 4: cancelled after payment
  order('240618-000000004', { 订单状态: '已收货', 售后状态: '退款成功' }), // 5
  order('240618-000000005', { 订单状态: '待支付', 支付时间: '' }), // 6
  order('240618-000000006', { 订单状态: '已取消', 支付时间: '', 拼单成功时间: '' }), // 7
  order('240618-000000007', { 手机: '138****8000' }), // 8
  order('2.40618E+14'), // 9
  order('240618-000000009', { 售后状态: '部分退款' }), // 10
  order('240618-000000010', { 售后状态: '售后处理中', '商品数量(件)': '3' }), // 11
  order('240618-000000011', { '商品数量(件)': '三' }), // 12
  order('240618-000000012', { 用户购买手机号: '139****9000' }), // 13
  order('', {}), // 14
];
const TEXT = csvText(HEADER, ROWS);

function at(outcomes: readonly MapOutcome[], line: number): MapOutcome | undefined {
  return outcomes.find((o) =>
    o.kind === 'events' || o.kind === 'items' ? o.lines.includes(line) : o.line === line,
  );
}

describe('pdd_orders', () => {
  test('is detected from its header (brackets normalised)', () => {
    const names = HEADER.map((h) => h.replace('（', '(').replace('）', ')'));
    expect(detectFormat(names)?.format.id).toBe('pdd_orders');
    expect(detectWith(pddOrders, names)).toBe(pddOrders);
    // A later version: 商家实收金额 and 详细地址, no 用户实付金额, columns reordered.
    expect(
      detectWith(pddOrders, [
        '订单号',
        '商品',
        '商家实收金额(元)',
        '订单状态',
        '支付时间',
        '手机',
        '详细地址',
      ]),
    ).toBe(pddOrders);
  });

  test('a paid order becomes order.paid with its item and the buyer phone', async () => {
    const mapped = await mapWith(pddOrders, TEXT);
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(at(mapped.outcomes, 2)).toEqual({
      kind: 'events',
      lines: [2],
      events: [
        {
          id: 'pdd-order-240618-000000001',
          kind: 'order.paid',
          occurred_at: '2024-06-18T00:00:30+08:00',
          source: 'pdd',
          identities: [{ kind: 'phone', value: '13800138000' }],
          properties: {
            shop: 'pdd',
            order_id: '240618-000000001',
            amount_fen: 4980,
            items: [{ sku: 'YJZ-100', name: '玉肌皂 100g', quantity: 2, price_fen: 2990 }],
          },
        },
      ],
    });
    // 用户购买手机号 is the buyer's own number: it wins over the receiver's 手机.
    expect(at(mapped.outcomes, 3)).toMatchObject({
      events: [{ id: 'pdd-order-240618-000000002', identities: [{ kind: 'phone', value: '13900139000' }] }],
    });
    // A masked buyer number is shown beside the receiver's, never used alone.
    expect(at(mapped.outcomes, 13)).toMatchObject({
      events: [
        {
          identities: [
            { kind: 'phone', value: '13800138000' },
            { kind: 'phone', value: '139****9000' },
          ],
        },
      ],
    });
    // 售后处理中: nothing refunded yet. 59.80 does not split into 3 pieces: no unit price, no item.
    expect(at(mapped.outcomes, 11)).toEqual({
      kind: 'events',
      lines: [11],
      events: [
        {
          id: 'pdd-order-240618-000000010',
          kind: 'order.paid',
          occurred_at: '2024-06-18T00:00:30+08:00',
          source: 'pdd',
          identities: [{ kind: 'phone', value: '13800138000' }],
          properties: { shop: 'pdd', order_id: '240618-000000010', amount_fen: 4980 },
        },
      ],
    });
  });

  test('cancelled after payment and 退款成功 are refunded in full; unpaid orders are skipped', async () => {
    const { outcomes } = await mapWith(pddOrders, TEXT);
    for (const [line, id] of [
      [4, '240618-000000003'],
      [5, '240618-000000004'],
    ] as const) {
      expect(at(outcomes, line)).toMatchObject({
        events: [
          { id: `pdd-order-${id}`, kind: 'order.paid', properties: { amount_fen: 4980 } },
          {
            id: `pdd-refund-${id}`,
            kind: 'order.refunded',
            occurred_at: '2024-06-18T00:00:30+08:00',
            properties: { shop: 'pdd', order_id: id, amount_fen: 4980 },
          },
        ],
      });
    }
    expect(at(outcomes, 6)).toEqual({
      kind: 'skipped',
      line: 6,
      reason: { code: 'not_paid', en: '订单状态 待支付: not paid', zh: '订单状态为“待支付”：未付款' },
    });
    expect(at(outcomes, 7)).toEqual({
      kind: 'skipped',
      line: 7,
      reason: {
        code: 'unpaid_closed',
        en: '订单状态 已取消 without payment: not a purchase',
        zh: '订单状态为“已取消”且未付款：不算购买',
      },
    });
  });

  test('rejections name the column and the reason', async () => {
    const { rejected } = await mapWith(pddOrders, TEXT);
    expect(rejected.map((r) => ({ ...r, reason: r.reason.en }))).toEqual([
      {
        kind: 'rejected',
        line: 8,
        column: '手机',
        reason:
          'No buyer to attach the order to: 手机 "138****8000" is masked, and the export has no other buyer id.',
      },
      { kind: 'rejected', line: 9, column: '订单号', reason: expect.stringContaining('rounded by Excel') },
      {
        kind: 'rejected',
        line: 10,
        column: '售后状态',
        reason:
          'Unknown after-sale status "部分退款": it is not known whether the money went back, so the order is not imported.',
      },
      {
        kind: 'rejected',
        line: 12,
        column: '商品数量(件)',
        reason: '"三" is not a quantity (a whole number from 1)',
      },
      { kind: 'rejected', line: 14, column: '订单号', reason: 'The order number (订单号) is empty.' },
    ]);
    expect(rejected.map((r) => r.reason.code)).toEqual([
      'no_buyer',
      'id_rounded_by_excel',
      'unknown_after_sale_status',
      'not_a_quantity',
      'order_id_empty',
    ]);
    expect(rejected[0]!.reason.zh).toBe(
      '没有可关联订单的买家：手机“138****8000”已打码，且导出文件中没有其他买家编号。',
    );
    expect(rejected[2]!.reason.zh).toContain('“部分退款”');
    expect(rejected[4]!.reason.zh).toContain('订单号为空');
  });

  test('importing the same file twice gives identical events', async () => {
    expect((await mapWith(pddOrders, TEXT)).outcomes).toEqual((await mapWith(pddOrders, TEXT)).outcomes);
  });

  test('no phone at all, and a file with 拼单成功时间 but no 支付时间', async () => {
    const header = '订单号,订单状态,商家实收金额(元),拼单成功时间,手机'.split(',');
    const mapped = await mapWith(
      pddOrders,
      csvText(header, [
        {
          订单号: '240618-000000020',
          订单状态: '已发货，待收货',
          '商家实收金额(元)': '10',
          拼单成功时间: '2024/6/18 9:05',
          手机: '13800138000',
        },
        {
          订单号: '240618-000000021',
          订单状态: '已发货，待收货',
          '商家实收金额(元)': '10',
          拼单成功时间: '2024/6/18 9:05',
          手机: '\t',
        },
      ]),
    );
    expect(mapped.outcomes).toEqual([
      {
        kind: 'events',
        lines: [2],
        events: [
          {
            id: 'pdd-order-240618-000000020',
            kind: 'order.paid',
            occurred_at: '2024-06-18T09:05:00+08:00',
            source: 'pdd',
            identities: [{ kind: 'phone', value: '13800138000' }],
            properties: { shop: 'pdd', order_id: '240618-000000020', amount_fen: 1000 },
          },
        ],
      },
      {
        kind: 'rejected',
        line: 3,
        column: '用户购买手机号',
        reason: {
          code: 'no_buyer',
          en: 'No buyer to attach the order to: 用户购买手机号 and 手机 are empty or not in the file.',
          zh: '没有可关联订单的买家：用户购买手机号和手机均为空或不在文件中。',
        },
      },
    ]);
  });
});
