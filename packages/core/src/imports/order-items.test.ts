import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { snapshotTables } from '../testing/snapshot.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { csvLine, csvText, mapFile } from './formats/test-helpers.ts';
import { getImportProblems } from './get-import.ts';
import { importFile } from './import-file.ts';
import { chunks, concat, gbk } from './test-support.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

// The classic pair (formats README §1a), GBK, ids in `="…"`: two paid orders, one unpaid.
const ORDER_HEADER = ['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间', '店铺名称'];
const orderFile = concat(
  gbk(`${csvLine(ORDER_HEADER)}\r\n`),
  gbk('="3100000000000000001",张三,128.00,交易成功,2024-10-04 11:42:00,小鹿天猫旗舰店\r\n'),
  gbk('="3100000000000000002",李四,59.90,交易成功,2024-10-05 08:00:00,小鹿天猫旗舰店\r\n'),
  gbk('="3100000000000000003",王五,10,等待买家付款,,小鹿天猫旗舰店\r\n'),
);

const DETAIL_HEADER = [
  '订单编号',
  '标题',
  '价格',
  '购买数量',
  '外部系统编号',
  '商品属性',
  '套餐信息',
  '备注',
  '订单状态',
  '商家编码',
];
const detailLines = [
  '="3100000000000000001",玻尿酸精华液 30ml,99.00,1,OUT-1,颜色分类：30ml,,,交易成功,SKU-SERUM',
  '="3100000000000000001",保湿面霜,14.50,2,OUT-2,,,,交易成功,',
  '="3100000000000000002",洁面乳,59.90,1,,,,,交易成功,SKU-WASH',
];
const detailFile = gbk(`${[csvLine(DETAIL_HEADER), ...detailLines].join('\r\n')}\r\n`);

const SERUM = { sku: 'SKU-SERUM', name: '玻尿酸精华液 30ml', quantity: 1, price_fen: 9900 };
const CREAM = { sku: 'OUT-2', name: '保湿面霜', quantity: 2, price_fen: 1450 };
const WASH = { sku: 'SKU-WASH', name: '洁面乳', quantity: 1, price_fen: 5990 };

function run(ws: Workspace, name: string, bytes: Uint8Array, options: { dryRun?: boolean } = {}) {
  return importFile(h.db, ws, {
    fileName: name,
    fileBytes: bytes.byteLength,
    source: chunks(bytes, 11),
    actor: 'test',
    dryRun: options.dryRun,
  });
}

async function ordersOf(ws: Workspace) {
  return h.db
    .selectFrom('orders')
    .select(['shop', 'order_id', 'paid_fen', 'status', 'items', 'customer_id'])
    .where('workspace_id', '=', ws.id)
    .orderBy('order_id')
    .execute();
}

async function pendingOf(ws: Workspace) {
  return h.db
    .selectFrom('pending_order_items')
    .select(['order_id', 'items'])
    .where('workspace_id', '=', ws.id)
    .orderBy('order_id')
    .execute();
}

/** Tables other than the import log and the waiting items (bookkeeping of each import). */
async function state() {
  const all = await snapshotTables(h.db);
  return Object.fromEntries(Object.entries(all).filter(([table]) => !table.startsWith('import')));
}

describe('Taobao item file (ExportOrderDetailList)', () => {
  test('maps to items per order, with sku from 商家编码 (else 外部系统编号) and unit prices in fen', async () => {
    const mapped = await mapFile(detailFile, { expect: 'taobao_order_items' });
    expect(mapped.outcomes).toEqual([
      {
        kind: 'items',
        lines: [2, 3],
        source: 'taobao',
        orderId: '3100000000000000001',
        items: [SERUM, CREAM],
      },
      { kind: 'items', lines: [4], source: 'taobao', orderId: '3100000000000000002', items: [WASH] },
    ]);
  });

  test('the newer 宝贝销售明细 (主订单编号, 商品标题, 商品价格) is read the same way', async () => {
    const header = [
      '子订单编号',
      '主订单编号',
      '商品价格',
      '购买数量',
      '订单状态',
      '商家编码',
      '退款状态',
      '商品ID',
      '商品标题',
    ];
    const mapped = await mapFile(
      csvText(header, [
        {
          子订单编号: '9001',
          主订单编号: '3100000000000000009',
          商品价格: '￥1,299.00',
          购买数量: '1',
          商品ID: '6001',
          商品标题: '礼盒',
        },
        {
          子订单编号: '9002',
          主订单编号: '3100000000000000009',
          商品价格: '0',
          购买数量: '1',
          商品ID: '6002',
        },
      ]),
      { expect: 'taobao_order_items' },
    );
    expect(mapped.outcomes).toEqual([
      {
        kind: 'items',
        lines: [2, 3],
        source: 'taobao',
        orderId: '3100000000000000009',
        items: [
          { name: '礼盒', quantity: 1, price_fen: 129900 },
          { name: '6002', quantity: 1, price_fen: 0 },
        ],
      },
    ]);
  });

  test('a bad row rejects its order with line, column and reason; other orders land', async () => {
    const text = [
      csvLine(DETAIL_HEADER),
      '="3100000000000000001",精华液,99.00,1,,,,,交易成功,S1',
      '="3100000000000000001",面霜,abc,1,,,,,交易成功,S2',
      '="3100000000000000002",洁面乳,59.90,0,,,,,交易成功,S3',
      '6.9E+18,洁面乳,59.90,1,,,,,交易成功,S3',
      '="3100000000000000004",洁面乳,59.90,1,,,,,交易成功,S3',
    ].join('\r\n');
    const mapped = await mapFile(`${text}\r\n`);
    expect(mapped.rejected.sort((a, b) => a.line - b.line)).toEqual([
      {
        kind: 'rejected',
        line: 2,
        column: '价格',
        reason: {
          code: 'not_an_amount',
          en: expect.stringMatching(/^Line 3 of the same order 3100000000000000001 is rejected: .*abc/),
          zh: expect.stringMatching(/^同一订单 3100000000000000001 的第 3 行被拒：“abc”/),
        },
      },
      {
        kind: 'rejected',
        line: 3,
        column: '价格',
        reason: expect.objectContaining({ en: expect.stringContaining('"abc"') }),
      },
      {
        kind: 'rejected',
        line: 4,
        column: '购买数量',
        reason: expect.objectContaining({
          code: 'not_a_quantity',
          en: expect.stringContaining('not a quantity'),
        }),
      },
      {
        kind: 'rejected',
        line: 5,
        column: '订单编号',
        reason: expect.objectContaining({
          code: 'id_rounded_by_excel',
          en: expect.stringContaining('Excel'),
        }),
      },
    ]);
    expect(mapped.outcomes.filter((o) => o.kind === 'items').map((o) => o.lines)).toEqual([[6]]);
  });

  test('order file first, then the item file: the orders get their items; again, nothing changes', async () => {
    const ws = await createTestWorkspace(h, 'items-after');
    await run(ws, 'ExportOrderList202410080000.csv', orderFile);
    const items = await run(ws, 'ExportOrderDetailList202410080000.csv', detailFile);
    expect(items).toMatchObject({ status: 'done', format: 'taobao_order_items' });
    expect(items.summary).toMatchObject({
      rows_read: 3,
      rows_imported: 3,
      order_items_attached: 2,
      order_items_waiting: 0,
    });
    const orders = await ordersOf(ws);
    expect(orders.map((o) => [o.shop, o.order_id, o.paid_fen, o.status, o.items])).toEqual([
      ['tmall', '3100000000000000001', 12800, 'paid', [SERUM, CREAM]],
      ['tmall', '3100000000000000002', 5990, 'paid', [WASH]],
    ]);
    const event = await h.db
      .selectFrom('events')
      .select(['kind', 'customer_id', 'occurred_at'])
      .where('workspace_id', '=', ws.id)
      .where('event_id', '=', 'taobao-items-3100000000000000001')
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      kind: 'order.items',
      customer_id: orders[0]!.customer_id,
      occurred_at: new Date('2024-10-04T03:42:00Z'),
    });

    const before = await state();
    const again = await run(ws, 'ExportOrderDetailList202410080000.csv', detailFile);
    expect(again.summary).toMatchObject({ order_items_attached: 2, order_items_waiting: 0 });
    await run(ws, 'ExportOrderList202410080000.csv', orderFile);
    expect(await state()).toEqual(before);
    expect(await pendingOf(ws)).toEqual([]);
  });

  test('item file first: the items wait, and land when the order file comes; the end state is the same', async () => {
    const ws = await createTestWorkspace(h, 'items-before');
    const items = await run(ws, 'ExportOrderDetailList.csv', detailFile);
    expect(items.summary).toMatchObject({ rows_imported: 3, order_items_waiting: 2 });
    expect(items.summary.order_items_attached ?? 0).toBe(0);
    expect((await pendingOf(ws)).map((p) => [p.order_id, p.items])).toEqual([
      ['3100000000000000001', [SERUM, CREAM]],
      ['3100000000000000002', [WASH]],
    ]);
    // Importing the waiting file again does not double its items.
    await run(ws, 'ExportOrderDetailList.csv', detailFile);
    expect((await pendingOf(ws)).map((p) => p.items.length)).toEqual([2, 1]);
    expect(await ordersOf(ws)).toEqual([]);

    const orders = await run(ws, 'ExportOrderList.csv', orderFile);
    expect(orders.summary).toMatchObject({ orders: 2, order_items_attached: 2, order_items_waiting: 0 });
    expect((await ordersOf(ws)).map((o) => [o.order_id, o.paid_fen, o.items])).toEqual([
      ['3100000000000000001', 12800, [SERUM, CREAM]],
      ['3100000000000000002', 5990, [WASH]],
    ]);
    expect(await pendingOf(ws)).toEqual([]);

    const before = await state();
    await run(ws, 'ExportOrderDetailList.csv', detailFile);
    await run(ws, 'ExportOrderList.csv', orderFile);
    expect(await state()).toEqual(before);
  });

  test('items of an order that never comes (unpaid, skipped) keep waiting without holding up the others', async () => {
    const ws = await createTestWorkspace(h, 'items-orphan');
    const withUnpaid = gbk(
      `${[csvLine(DETAIL_HEADER), '="3100000000000000000",洁面乳,1,1,,,,,交易成功,X', ...detailLines, '="3100000000000000003",洁面乳,10,1,,,,,交易成功,Y'].join('\r\n')}\r\n`,
    );
    await run(ws, 'ExportOrderDetailList.csv', withUnpaid);
    const orders = await run(ws, 'ExportOrderList.csv', orderFile);
    expect(orders.summary).toMatchObject({ order_items_attached: 2, order_items_waiting: 2 });
    expect((await pendingOf(ws)).map((p) => p.order_id)).toEqual([
      '3100000000000000000',
      '3100000000000000003',
    ]);
    expect((await ordersOf(ws)).map((o) => o.items.length)).toEqual([2, 1]);
  });

  test("an order's rows apart from each other add up; a later file listing other items is a conflict", async () => {
    const ws = await createTestWorkspace(h, 'items-split');
    const split = gbk(
      `${[csvLine(DETAIL_HEADER), detailLines[0], detailLines[2], detailLines[1]].join('\r\n')}\r\n`,
    );
    await run(ws, 'ExportOrderDetailList.csv', split);
    await run(ws, 'ExportOrderList.csv', orderFile);
    expect((await ordersOf(ws)).map((o) => o.items)).toEqual([[SERUM, CREAM], [WASH]]);

    const changed = gbk(
      `${csvLine(DETAIL_HEADER)}\r\n="3100000000000000002",洁面乳,59.90,3,,,,,交易成功,SKU-WASH\r\n`,
    );
    const result = await run(ws, 'ExportOrderDetailList2.csv', changed);
    expect(result.summary.order_items_problems).toEqual([
      {
        order_id: '3100000000000000002',
        code: 'items_differ',
        reason: expect.stringContaining('differ from this file'),
        reason_zh: expect.stringContaining('与本文件不同'),
      },
    ]);
    expect((await ordersOf(ws))[1]!.items).toEqual([WASH]);
  });

  test('a dry run of the item file stores nothing, not even waiting items', async () => {
    const ws = await createTestWorkspace(h, 'items-dry');
    const result = await run(ws, 'ExportOrderDetailList.csv', detailFile, { dryRun: true });
    expect(result.summary).toMatchObject({ rows_imported: 3, rows_rejected: 0 });
    expect(await pendingOf(ws)).toEqual([]);
    expect((await getImportProblems(h.db, ws, result.id, { limit: 10 })).problems).toEqual([]);
  });
});

describe('order.items events', () => {
  test('fold into the order whether they come before or after its payment, which keeps the payer', async () => {
    const ws = await createTestWorkspace(h, 'items-events');
    const items = {
      id: 'i-1',
      kind: 'order.items',
      occurred_at: '2024-10-04T03:42:00Z',
      source: 'shop',
      identities: [{ kind: 'taobao_nick', value: '张三' }],
      properties: { shop: 'taobao', order_id: 'A1', items: [WASH] },
    };
    const paid = {
      id: 'p-1',
      kind: 'order.paid',
      occurred_at: '2024-10-04T03:42:00Z',
      source: 'shop',
      identities: [{ kind: 'phone', value: '13900139000' }],
      properties: { shop: 'taobao', order_id: 'A1', amount_fen: 5990 },
    };
    const [first] = await ingestEvents(h.db, ws, [items]);
    expect(first).toMatchObject({ status: 'stored' });
    const [second] = await ingestEvents(h.db, ws, [paid]);
    const order = (await ordersOf(ws))[0]!;
    expect(order).toMatchObject({ paid_fen: 5990, status: 'paid', items: [WASH] });
    expect(order.customer_id).toBe(second?.status === 'stored' ? second.customer_id : -1);

    const [bad] = await ingestEvents(h.db, ws, [
      { ...items, id: 'i-2', properties: { ...items.properties, items: [] } },
    ]);
    expect(bad).toMatchObject({ status: 'rejected' });
  });
});
