import { describe, expect, test } from 'vitest';
import { concat, gbk } from '../test-support.ts';
import { detectFormat } from './index.ts';
import { taobaoShopOf } from './taobao-orders.ts';
import { csvLine, csvText, linesOf, mapFile } from './test-helpers.ts';

/** §1a, with the trailing spaces the real file has. */
const HEADER_54 =
  '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,特权订金订单id,是否上传合同照片,是否上传小票,是否代付,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,新零售交易类型,新零售导购门店名称,新零售导购门店id,新零售发货门店名称,新零售发货门店id,退款金额,预约门店,确认收货时间,打款商家金额,含应开票给个人的个人红包'.split(
    ',',
  );

const paid = (over: Record<string, string>) => ({
  订单编号: '="1234567890123456789"',
  买家会员名: 'tb_alice',
  买家实际支付金额: '178.80',
  订单状态: '交易成功',
  联系手机: "'13800138000",
  订单创建时间: '2024-03-25 22:00:00',
  订单付款时间: '2024-03-25 22:01:05',
  宝贝标题: '玉肌皂',
  店铺名称: '小店',
  退款金额: '0.00',
  ...over,
});

describe('taobao_orders: the classic ExportOrderList', () => {
  const rows = [
    paid({}), // line 2
    paid({ 订单编号: '="1000000000000000002"', 订单状态: '卖家已发货，等待买家确认', 退款金额: '5.50' }), // 3
    paid({
      订单编号: '="1000000000000000003"',
      订单状态: '交易关闭',
      订单付款时间: '',
      买家实际支付金额: '0.00',
    }), // 4
    paid({ 订单编号: '="1000000000000000004"', 订单状态: '等待买家付款', 订单付款时间: '' }), // 5
    paid({ 订单编号: '="1000000000000000005"', 订单状态: '交易关闭', 退款金额: '' }), // 6: paid, then closed
    paid({ 订单编号: '6.91793E+18' }), // 7
    paid({ 订单编号: '="1000000000000000007"', 买家实际支付金额: '12.3.4' }), // 8
    paid({ 订单编号: '' }), // 9
    paid({ 订单编号: '="1000000000000000009"', 联系手机: '138****1234' }), // 10
    paid({ 订单编号: '="1000000000000000010"', 联系手机: '12345' }), // 11: invalid phone, nick kept
    paid({ 订单编号: '="1000000000000000011"', 联系手机: '12345', 买家会员名: '' }), // 12
    paid({ 订单编号: '="1000000000000000012"', 订单状态: '神秘状态' }), // 13
    paid({ 订单编号: '="1000000000000000013"', 店铺名称: '玉肌旗舰店' }), // 14
    paid({ 订单编号: '="1000000000000000014"', 订单付款时间: '2024/3/26 9:05' }), // 15: re-saved in Excel
  ];
  const text = csvText(HEADER_54, rows);

  test('is detected from its header', () => {
    expect(detectFormat(HEADER_54)?.format.id).toBe('taobao_orders');
  });

  test('paid orders, refunds, skips and rejections, every line accounted for', async () => {
    const mapped = await mapFile(text, { expect: 'taobao_orders' });
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const byLine = (line: number) =>
      mapped.outcomes.find((o) =>
        o.kind === 'events' || o.kind === 'items' ? o.lines.includes(line) : o.line === line,
      );

    expect(byLine(2)).toEqual({
      kind: 'events',
      lines: [2],
      events: [
        {
          id: 'taobao-order-1234567890123456789',
          kind: 'order.paid',
          occurred_at: '2024-03-25T22:01:05+08:00',
          source: 'taobao',
          identities: [
            { kind: 'taobao_nick', value: 'tb_alice' },
            { kind: 'phone', value: '13800138000' },
          ],
          properties: { shop: 'taobao', order_id: '1234567890123456789', amount_fen: 17880 },
        },
      ],
    });
    const identities = [
      { kind: 'taobao_nick', value: 'tb_alice' },
      { kind: 'phone', value: '13800138000' },
    ];
    expect(byLine(3)).toMatchObject({
      kind: 'events',
      events: [
        { id: 'taobao-order-1000000000000000002', kind: 'order.paid' },
        {
          id: 'taobao-refund-1000000000000000002',
          kind: 'order.refunded',
          occurred_at: '2024-03-25T22:01:05+08:00',
          source: 'taobao',
          identities,
          properties: { shop: 'taobao', order_id: '1000000000000000002', amount_fen: 550 },
        },
      ],
    });
    expect(byLine(4)).toEqual({
      kind: 'skipped',
      line: 4,
      reason: {
        code: 'unpaid_closed',
        en: '订单状态 交易关闭 without payment: not a purchase',
        zh: '订单状态为“交易关闭”且未付款：不算购买',
      },
    });
    expect(byLine(5)).toMatchObject({
      kind: 'skipped',
      line: 5,
      reason: { code: 'not_paid', en: '订单状态 等待买家付款: not paid' },
    });
    expect(byLine(5)).toHaveProperty('reason.zh', expect.stringContaining('“等待买家付款”'));
    expect(byLine(6)).toMatchObject({
      kind: 'events',
      events: [
        { id: 'taobao-order-1000000000000000005', properties: { amount_fen: 17880 } },
        { id: 'taobao-refund-1000000000000000005', properties: { amount_fen: 17880 } },
      ],
    });
    expect(byLine(7)).toMatchObject({ kind: 'rejected', column: '订单编号' });
    expect(byLine(7)).toHaveProperty('reason.en', expect.stringContaining('rounded by Excel'));
    expect(byLine(8)).toMatchObject({ kind: 'rejected', column: '买家实际支付金额' });
    expect(byLine(8)).toHaveProperty('reason.en', expect.stringContaining('not an amount'));
    expect(byLine(9)).toEqual({
      kind: 'rejected',
      line: 9,
      column: '订单编号',
      reason: { code: 'order_id_empty', en: 'The order number is empty.', zh: '订单号为空。' },
    });
    expect(byLine(10)).toMatchObject({
      events: [
        {
          identities: [
            { kind: 'taobao_nick', value: 'tb_alice' },
            { kind: 'phone', value: '138****1234' },
          ],
        },
      ],
    });
    expect(byLine(11)).toMatchObject({
      events: [{ identities: [{ kind: 'taobao_nick', value: 'tb_alice' }] }],
    });
    expect(byLine(12)).toMatchObject({
      kind: 'rejected',
      column: '联系手机',
      reason: {
        code: 'no_buyer',
        en: '"12345" is not a mobile number and 买家会员名 is empty: the order has no buyer to attach it to.',
      },
    });
    expect(byLine(12)).toHaveProperty('reason.zh', expect.stringContaining('“12345”'));
    expect(byLine(13)).toMatchObject({
      kind: 'rejected',
      column: '订单状态',
      reason: { code: 'unknown_status', en: expect.stringContaining('Unknown order status "神秘状态"') },
    });
    expect(byLine(13)).toHaveProperty('reason.zh', expect.stringContaining('“神秘状态”'));
    expect(byLine(14)).toMatchObject({ events: [{ source: 'taobao', properties: { shop: 'tmall' } }] });
    expect(byLine(15)).toMatchObject({ events: [{ occurred_at: '2024-03-26T09:05:00+08:00' }] });
  });

  test('a paid status without payment time is rejected; cash on delivery and closed-with-nothing-paid are skipped', async () => {
    const { outcomes } = await mapFile(
      csvText(HEADER_54, [
        paid({ 订单付款时间: '' }), // 2
        paid({ 订单状态: '卖家已发货，等待买家确认收货并付款', 订单付款时间: '' }), // 3
        paid({ 订单状态: '交易被淘宝关闭', 买家实际支付金额: '0' }), // 4
        paid({ 买家实际支付金额: '' }), // 5
      ]),
    );
    expect(outcomes).toMatchObject([
      {
        kind: 'rejected',
        line: 2,
        column: '订单付款时间',
        reason: {
          code: 'paid_time_empty',
          en: 'The payment time is empty although the order is "交易成功".',
          zh: expect.stringContaining('“交易成功”'),
        },
      },
      {
        kind: 'skipped',
        line: 3,
        reason: {
          code: 'cash_on_delivery_unpaid',
          en: '订单状态 卖家已发货，等待买家确认收货并付款: cash on delivery, not paid yet',
          zh: expect.stringContaining('货到付款'),
        },
      },
      {
        kind: 'skipped',
        line: 4,
        reason: {
          code: 'unpaid_closed',
          en: '订单状态 交易被淘宝关闭 and nothing paid: not a purchase',
          zh: expect.stringContaining('“交易被淘宝关闭”'),
        },
      },
      {
        kind: 'rejected',
        line: 5,
        column: '买家实际支付金额',
        reason: { code: 'paid_amount_empty', en: 'The paid amount is empty.', zh: '实付金额为空。' },
      },
    ]);
  });

  test('importing the same file twice gives identical events', async () => {
    const first = await mapFile(text);
    const second = await mapFile(text);
    expect(second.outcomes).toEqual(first.outcomes);
  });

  test('a later export of the same order (shipped, then refunded) repeats the order.paid event exactly', async () => {
    const early = await mapFile(
      csvText(HEADER_54, [paid({ 订单状态: '买家已付款，等待卖家发货', 物流单号: '' })]),
    );
    const late = await mapFile(
      csvText(HEADER_54, [
        paid({ 订单状态: '交易成功', 物流单号: 'SF1', 确认收货时间: '2024-03-30 10:00:00' }),
      ]),
    );
    expect(late.events[0]).toEqual(early.events[0]);
  });

  test('the workspace time zone dates the payment', async () => {
    const mapped = await mapFile(text, { timeZone: 'Europe/Berlin' });
    expect(mapped.events[0]?.occurred_at).toBe('2024-03-25T22:01:05+01:00');
  });
});

describe('taobao_orders: other versions and subsets', () => {
  test('a GBK file with a banner line and a subset of columns', async () => {
    const bytes = concat(
      gbk('订单报表\r\n'),
      gbk(
        `${csvLine(['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间', '联系手机'])}\r\n`,
      ),
      gbk('="3000000000000000001",张三,28.90,交易成功,2024-10-04 11:42:00,13900139000\r\n'),
      gbk('="3000000000000000002",李四,10,"卖家已发货，等待买家确认",2024-10-05 08:00:00,\r\n'),
    );
    const mapped = await mapFile(bytes, { expect: 'taobao_orders' });
    expect(mapped.rejected).toEqual([]);
    expect(mapped.events).toEqual([
      {
        id: 'taobao-order-3000000000000000001',
        kind: 'order.paid',
        occurred_at: '2024-10-04T11:42:00+08:00',
        source: 'taobao',
        identities: [
          { kind: 'taobao_nick', value: '张三' },
          { kind: 'phone', value: '13900139000' },
        ],
        properties: { shop: 'taobao', order_id: '3000000000000000001', amount_fen: 2890 },
      },
      {
        id: 'taobao-order-3000000000000000002',
        kind: 'order.paid',
        occurred_at: '2024-10-05T08:00:00+08:00',
        source: 'taobao',
        identities: [{ kind: 'taobao_nick', value: '李四' }],
        properties: { shop: 'taobao', order_id: '3000000000000000002', amount_fen: 1000 },
      },
    ]);
  });

  test('the Tianchi 7-column subset is detected; rows without a buyer are rejected with the reason', async () => {
    const text =
      '订单编号,总金额,买家实际支付金额,收货地址 ,订单创建时间,订单付款时间 ,退款金额\r\n' +
      '1,178.8,0.0,上海,2020-02-21 00:00:00,,0.0\r\n' +
      '2,21,21,内蒙古自治区,2020-02-20 23:59:54,2020-02-21 00:00:02,0.0\r\n';
    const mapped = await mapFile(text, { expect: 'taobao_orders' });
    expect(mapped.outcomes).toMatchObject([
      { kind: 'skipped', line: 2, reason: { code: 'not_paid', en: '订单付款时间 is empty: not paid' } },
      {
        kind: 'rejected',
        line: 3,
        column: '买家会员名',
        reason: {
          code: 'no_buyer',
          en: 'No buyer: 买家会员名 and 联系手机 are empty or not in the file, so the order cannot be attached to anyone.',
        },
      },
    ]);
    expect(mapped.outcomes[0]).toHaveProperty('reason.zh', expect.stringContaining('订单付款时间'));
    expect(mapped.outcomes[1]).toHaveProperty('reason.zh', expect.stringContaining('买家会员名'));
  });

  test('the newer Tmall xlsx report header (买家实付金额) maps the same way', async () => {
    const header = [
      ...'订单编号,买家会员名,买家应付货款,买家应付邮费,总金额,买家实付金额,支付详情,订单状态,订单创建时间,订单付款时间,宝贝总数量,退款金额,发货时间,确认收货时间,确认收货打款金额,商家编码,店铺名称'.split(
        ',',
      ),
    ];
    const text = csvText(header, [
      {
        订单编号: "'4000000000000000001",
        买家会员名: 't**1',
        买家实付金额: '￥1,280.00',
        订单状态: '交易成功',
        订单付款时间: '2025-11-11 00:00:01',
        退款金额: '(0.00)',
        店铺名称: '玉肌天猫旗舰店',
      },
    ]);
    const mapped = await mapFile(text, { expect: 'taobao_orders' });
    expect(mapped.events).toEqual([
      {
        id: 'taobao-order-4000000000000000001',
        kind: 'order.paid',
        occurred_at: '2025-11-11T00:00:01+08:00',
        source: 'taobao',
        identities: [{ kind: 'taobao_nick', value: 't**1' }],
        properties: { shop: 'tmall', order_id: '4000000000000000001', amount_fen: 128000 },
      },
    ]);
  });

  test('the item files are told from the order report, and give items, not orders', async () => {
    const classic = '订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码'.split(
      ',',
    );
    const newer =
      '子订单编号,主订单编号,商品价格,购买数量,订单状态,商家编码,买家应付货款,买家实付金额,退款状态,退款金额,订单创建时间,订单付款时间,商品ID'.split(
        ',',
      );
    expect(detectFormat(classic)?.format.id).toBe('taobao_order_items');
    expect(detectFormat(newer)?.format.id).toBe('taobao_order_items');
    const mapped = await mapFile(
      csvText(classic, [{ 订单编号: '="1234567890123456789"', 标题: '玉肌皂', 价格: '39.9', 购买数量: '1' }]),
      { expect: 'taobao_order_items' },
    );
    expect(mapped.outcomes).toEqual([
      {
        kind: 'items',
        lines: [2],
        source: 'taobao',
        orderId: '1234567890123456789',
        items: [{ name: '玉肌皂', quantity: 1, price_fen: 3990 }],
      },
    ]);
  });

  test('a bad item row rejects every row of its order, the others saying which line is at fault', async () => {
    const classic = '订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码'.split(
      ',',
    );
    const mapped = await mapFile(
      csvText(classic, [
        { 订单编号: '="1234567890123456789"', 标题: '玉肌皂', 价格: '39.9', 购买数量: '1' }, // 2
        { 订单编号: '="1234567890123456789"', 标题: '玉肌乳', 价格: '', 购买数量: '1' }, // 3
        { 订单编号: '="1234567890123456790"', 价格: '9.9', 购买数量: '1' }, // 4
        { 订单编号: '="1234567890123456791"', 标题: '玉肌露', 价格: '9.9', 购买数量: '' }, // 5
      ]),
      { expect: 'taobao_order_items' },
    );
    expect(mapped.rejected.sort((a, b) => a.line - b.line)).toEqual([
      {
        kind: 'rejected',
        line: 2,
        column: '价格',
        reason: {
          code: 'price_empty',
          en: 'Line 3 of the same order 1234567890123456789 is rejected: The price is empty.',
          zh: '同一订单 1234567890123456789 的第 3 行被拒：价格为空。',
        },
      },
      {
        kind: 'rejected',
        line: 3,
        column: '价格',
        reason: { code: 'price_empty', en: 'The price is empty.', zh: '价格为空。' },
      },
      {
        kind: 'rejected',
        line: 4,
        column: '标题',
        reason: {
          code: 'item_unnamed',
          en: 'The item has no title, 商家编码 or 商品ID: nothing says what was bought.',
          zh: expect.stringContaining('商家编码'),
        },
      },
      {
        kind: 'rejected',
        line: 5,
        column: '购买数量',
        reason: { code: 'quantity_empty', en: 'The quantity (购买数量) is empty.', zh: '购买数量为空。' },
      },
    ]);
  });

  test('the shop is Tmall only when the shop name says so', () => {
    expect(taobaoShopOf(null)).toBe('taobao');
    expect(taobaoShopOf('阿狸的小店')).toBe('taobao');
    expect(taobaoShopOf('某某天猫店')).toBe('tmall');
    expect(taobaoShopOf('某某官方旗舰店')).toBe('tmall');
    expect(taobaoShopOf('某某专营店')).toBe('tmall');
  });
});
