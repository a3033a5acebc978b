import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { openCsv } from '../read-csv.ts';
import { douyinOrders } from './douyin-orders.ts';
import type { MapOutcome } from './import-format.ts';
import { detectFormat } from './index.ts';
import { csvText, linesOf } from './test-helpers.ts';
import { detectWith, mapWith } from './test-helpers-direct.ts';

const SAMPLE = fileURLToPath(
  new URL(
    '../../../../../../shared/formats/samples/douyin/doudian_order_export_min_fixture.csv',
    import.meta.url,
  ),
);

/** §4, the 65 columns, with the full-width brackets of the real header. */
const HEADER =
  '主订单编号,子订单编号,选购商品,商品规格,商品数量,商品ID,商家编码,商品单价,订单应付金额,运费,优惠总金额,平台优惠,商家优惠,达人优惠,商家改价,支付优惠,红包抵扣,支付方式,手续费,收件人,收件人手机号,省,市,区,街道,详细地址,是否修改过地址,买家留言,订单提交时间,旗帜颜色,商家备注,订单完成时间,支付完成时间,APP渠道,流量来源,订单状态,承诺发货时间,订单类型,鲁班落地页ID,达人ID,达人昵称,所属门店ID,售后状态,取消原因,预约发货时间,仓库ID,仓库名称,是否安心购,广告渠道,流量类型,流量体裁,流量渠道,发货主体,发货主体明细,发货时间,降价类优惠,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额,预计送达时间,是否平台仓自流转,车型,预约送达时间,建议发货时间（起）,建议发货时间（止）'.split(
    ',',
  );

/** A sub-order row as the export writes it: ids behind a tab, `-` for nothing. */
const sub = (order: string, subOrder: string, over: Record<string, string> = {}) => ({
  主订单编号: `\t${order}`,
  子订单编号: `\t${subOrder}`,
  选购商品: '玉肌皂',
  商品规格: '100g',
  商品数量: '1',
  商品ID: '\t3600000000000000001',
  商家编码: 'YJZ-100',
  商品单价: '29.90',
  订单应付金额: '29.90',
  收件人: '##A1B2C3',
  收件人手机号: '13800138000',
  详细地址: '##D4E5F6',
  订单提交时间: '2024-06-18 00:00:10',
  支付完成时间: '2024-06-18 00:00:30',
  订单状态: '已发货',
  达人ID: '\t7000000000000000001',
  达人昵称: '示例达人',
  售后状态: '-',
  取消原因: '-',
  ...over,
});

const ROWS = [
  sub('6900000000000000001', '6900000000000000011'), // 2
  sub('6900000000000000001', '6900000000000000012', {
    选购商品: '玉肌乳',
    商品规格: '-',
    商品数量: '2',
    商家编码: '-',
    商品单价: '19.95',
    订单应付金额: '39.90',
  }), // 3
  sub('6900000000000000001', '6900000000000000013', {
    选购商品: '赠品小样',
    商品单价: '0.00',
    订单应付金额: '0.00',
  }), // 4: a 0-yuan gift line
  sub('6900000000000000002', '6900000000000000021', { 订单状态: '已完成', 售后状态: '退款成功' }), // 5
  sub('6900000000000000002', '6900000000000000022', { 订单状态: '已完成', 订单应付金额: '49.90' }), // 6
  sub('6900000000000000003', '6900000000000000031', { 订单状态: '待支付', 支付完成时间: '-' }), // 7
  sub('6900000000000000004', '6900000000000000041', { 订单状态: '已关闭', 支付完成时间: '-' }), // 8
  sub('6900000000000000005', '6900000000000000051', {
    订单状态: '已关闭',
    取消原因: '主品订单售后完成',
  }), // 9: closed after payment
  sub('6900000000000000006', '6900000000000000061', { 收件人手机号: '$$Q2lwaGVydGV4dA==$$' }), // 10
  sub('6900000000000000007', '6900000000000000071', { 收件人手机号: '138****8000' }), // 11
  sub('6.9E+18', '6.9E+18'), // 12
  sub('6900000000000000008', '6900000000000000081', { 订单状态: '拼团中' }), // 13
  sub('6900000000000000009', '6900000000000000091'), // 14
  sub('6900000000000000009', '6900000000000000092', { 订单应付金额: '两元' }), // 15
  sub('6900000000000000010', '6900000000000000101', { 售后状态: '部分退款中' }), // 16
  sub('6900000000000000011', '6900000000000000111', { 收件人手机号: '-' }), // 17
  sub('6900000000000000012', '6900000000000000121', { 支付完成时间: '-' }), // 18
  sub('', '6900000000000000131'), // 19
];
const TEXT = `\ufeff${csvText(HEADER, ROWS)}`;

/** The outcome that accounts for `line`. */
function at(outcomes: readonly MapOutcome[], line: number): MapOutcome | undefined {
  return outcomes.find((o) =>
    o.kind === 'events' || o.kind === 'items' ? o.lines.includes(line) : o.line === line,
  );
}

describe('douyin_orders', () => {
  test('is detected from the full header and from the 8-column sample', async () => {
    const names = HEADER.map((h) => h.replace('（', '(').replace('）', ')'));
    expect(detectWith(douyinOrders, names)).toBe(douyinOrders);
    const file = await openCsv(createReadStream(SAMPLE));
    if (!file.ok) {
      throw new Error(file.reason.en);
    }
    await file.rows.return();
    expect(file.header.names).toEqual([
      '主订单编号',
      '子订单编号',
      '选购商品',
      '订单应付金额',
      '达人ID',
      '达人昵称',
      '订单状态',
      '售后状态',
    ]);
    // No format registered today claims it, so registering this one cannot take another's files.
    expect(detectFormat(file.header.names)?.format.id).toBe('douyin_orders');
    expect(detectWith(douyinOrders, file.header.names)).toBe(douyinOrders);
  });

  test('the sample: every row rejected because the export names no buyer', async () => {
    const mapped = await mapWith(douyinOrders, createReadStream(SAMPLE));
    const reason = {
      code: 'no_buyer',
      en:
        'No buyer to attach the order to: the file has no 收件人手机号 column, and Douyin order exports carry no ' +
        'buyer id (达人ID is the creator who promoted the product, not the buyer).',
      zh: '没有可关联订单的买家：文件中没有收件人手机号列，且抖店订单导出不含买家编号（达人ID 是推广商品的达人，不是买家）。',
    };
    // 9001 and 9002 are shipped (paid); 9003 is closed with 退款成功, so it was paid and refunded:
    // all three are purchases, and none can be attached to a customer.
    expect(mapped.outcomes).toEqual([
      { kind: 'rejected', line: 2, column: '收件人手机号', reason },
      { kind: 'rejected', line: 3, column: '收件人手机号', reason },
      { kind: 'rejected', line: 4, column: '收件人手机号', reason },
    ]);
    expect(mapped.events).toEqual([]);
  });

  test('the sub-orders of a 主订单 become one order.paid with its items', async () => {
    const mapped = await mapWith(douyinOrders, TEXT);
    expect(linesOf(mapped.outcomes)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect(at(mapped.outcomes, 2)).toEqual({
      kind: 'events',
      lines: [2, 3, 4],
      events: [
        {
          id: 'douyin-order-6900000000000000001',
          kind: 'order.paid',
          occurred_at: '2024-06-18T00:00:30+08:00',
          source: 'douyin',
          identities: [{ kind: 'phone', value: '13800138000' }],
          properties: {
            shop: 'douyin',
            order_id: '6900000000000000001',
            amount_fen: 6980,
            items: [
              { sku: 'YJZ-100', name: '玉肌皂 100g', quantity: 1, price_fen: 2990 },
              { sku: '3600000000000000001', name: '玉肌乳', quantity: 2, price_fen: 1995 },
              { sku: 'YJZ-100', name: '赠品小样 100g', quantity: 1, price_fen: 0 },
            ],
          },
        },
      ],
    });
  });

  test('refunds: 退款成功 refunds its sub-order, 已关闭 after payment refunds it in full', async () => {
    const { outcomes } = await mapWith(douyinOrders, TEXT);
    expect(at(outcomes, 5)).toMatchObject({
      lines: [5, 6],
      events: [
        { id: 'douyin-order-6900000000000000002', kind: 'order.paid', properties: { amount_fen: 7980 } },
        {
          id: 'douyin-refund-6900000000000000002',
          kind: 'order.refunded',
          occurred_at: '2024-06-18T00:00:30+08:00',
          source: 'douyin',
          identities: [{ kind: 'phone', value: '13800138000' }],
          properties: { shop: 'douyin', order_id: '6900000000000000002', amount_fen: 2990 },
        },
      ],
    });
    expect(at(outcomes, 9)).toMatchObject({
      lines: [9],
      events: [
        { id: 'douyin-order-6900000000000000005', properties: { amount_fen: 2990 } },
        { id: 'douyin-refund-6900000000000000005', properties: { amount_fen: 2990 } },
      ],
    });
  });

  test('unpaid and closed-before-payment orders are skipped', async () => {
    const { outcomes } = await mapWith(douyinOrders, TEXT);
    expect(at(outcomes, 7)).toEqual({
      kind: 'skipped',
      line: 7,
      reason: { code: 'not_paid', en: '订单状态 待支付: not paid', zh: '订单状态为“待支付”：未付款' },
    });
    expect(at(outcomes, 8)).toEqual({
      kind: 'skipped',
      line: 8,
      reason: {
        code: 'unpaid_closed',
        en: '订单状态 已关闭 without payment: not a purchase',
        zh: '订单状态为“已关闭”且未付款：不算购买',
      },
    });
  });

  test('rejections name the column and the reason; a bad row rejects its whole order', async () => {
    const rejected = (await mapWith(douyinOrders, TEXT)).rejected.sort((a, b) => a.line - b.line);
    expect(rejected.map((r) => [r.line, r.column])).toEqual([
      [10, '收件人手机号'],
      [11, '收件人手机号'],
      [12, '主订单编号'],
      [13, '订单状态'],
      [14, '订单应付金额'],
      [15, '订单应付金额'],
      [16, '售后状态'],
      [17, '收件人手机号'],
      [18, '支付完成时间'],
      [19, '主订单编号'],
    ]);
    const why = (line: number) => rejected.find((r) => r.line === line)?.reason;
    const reason = (line: number) => why(line)?.en;
    const noBuyerId =
      'Douyin order exports carry no buyer id (达人ID is the creator who promoted the product, not the buyer).';
    expect(reason(10)).toBe(
      `No buyer to attach the order to: 收件人手机号 is encrypted ("$$Q2lwaGVydG…"), as Douyin exports it, and ${noBuyerId}`,
    );
    expect(reason(11)).toBe(
      `No buyer to attach the order to: 收件人手机号 "138****8000" is masked and never matches anyone, and ${noBuyerId}`,
    );
    expect(reason(12)).toContain('rounded by Excel');
    expect(reason(13)).toBe(
      'Unknown order status "拼团中": it is not known whether this order was paid, so it is not imported.',
    );
    expect(reason(14)).toBe(
      'Line 15 of the same order 6900000000000000009 is rejected: "两元" is not an amount in yuan',
    );
    expect(reason(15)).toBe('"两元" is not an amount in yuan');
    expect(reason(16)).toBe(
      'Unknown after-sale status "部分退款中": it is not known whether the money went back, so the order is not imported.',
    );
    expect(reason(17)).toBe(`No buyer to attach the order to: 收件人手机号 is empty, and ${noBuyerId}`);
    expect(reason(18)).toBe('The payment time (支付完成时间) is empty although the order is "已发货".');
    expect(reason(19)).toBe('The order number (主订单编号) is empty.');

    expect(why(10)?.code).toBe('no_buyer');
    expect(why(10)?.zh).toContain('已加密（“$$Q2lwaGVydG…”）');
    expect(why(11)?.zh).toContain('“138****8000”已打码');
    expect(why(13)).toMatchObject({ code: 'unknown_status', zh: expect.stringContaining('“拼团中”') });
    // The other line of the order keeps the underlying code, said of the line at fault.
    expect(why(14)).toEqual({
      code: 'not_an_amount',
      en: 'Line 15 of the same order 6900000000000000009 is rejected: "两元" is not an amount in yuan',
      zh: '同一订单 6900000000000000009 的第 15 行被拒：“两元”不是以元为单位的金额',
    });
    expect(why(16)).toMatchObject({
      code: 'unknown_after_sale_status',
      zh: expect.stringContaining('“部分退款中”'),
    });
    expect(why(17)).toMatchObject({ code: 'no_buyer', zh: expect.stringContaining('收件人手机号为空') });
    expect(why(18)).toMatchObject({ code: 'paid_time_empty', zh: expect.stringContaining('“已发货”') });
    expect(why(19)).toMatchObject({ code: 'order_id_empty', zh: expect.stringContaining('主订单编号') });
  });

  test('importing the same file twice gives identical events', async () => {
    expect((await mapWith(douyinOrders, TEXT)).outcomes).toEqual(
      (await mapWith(douyinOrders, TEXT)).outcomes,
    );
  });

  test('a trimmed, Excel-re-saved export: no 支付完成时间, joined sub-orders, re-saved dates', async () => {
    const header =
      '主订单编号,子订单编号,选购商品,商品数量,商家编码,订单应付金额,收件人手机号,订单提交时间,订单状态'.split(
        ',',
      );
    const mapped = await mapWith(
      douyinOrders,
      csvText(header, [
        sub('6900000000000000020', '6900000000000000201', { 订单提交时间: '2024/6/18 9:05' }),
        sub('6900000000000000021', '6900000000000000211;6900000000000000212', {
          选购商品: '商品A-(A01);商品B-(B02)',
          商品数量: '1;2',
          商家编码: 'A01;B02',
          订单应付金额: '59.70',
        }),
      ]),
    );
    expect(mapped.rejected).toEqual([]);
    expect(mapped.events).toEqual([
      {
        id: 'douyin-order-6900000000000000020',
        kind: 'order.paid',
        occurred_at: '2024-06-18T09:05:00+08:00',
        source: 'douyin',
        identities: [{ kind: 'phone', value: '13800138000' }],
        // No 商品单价 column: the item's price is unknown, so no items.
        properties: { shop: 'douyin', order_id: '6900000000000000020', amount_fen: 2990 },
      },
      {
        id: 'douyin-order-6900000000000000021',
        kind: 'order.paid',
        occurred_at: '2024-06-18T00:00:10+08:00',
        source: 'douyin',
        identities: [{ kind: 'phone', value: '13800138000' }],
        // Several sub-orders in one row cannot be split into items; the amount stands.
        properties: { shop: 'douyin', order_id: '6900000000000000021', amount_fen: 5970 },
      },
    ]);
  });
});
