import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getCustomer360 } from '../customers/get-customer-360.ts';
import type { DbHandle } from '../db/create-db.ts';
import { snapshotTables } from '../testing/snapshot.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { csvLine, csvText } from './formats/test-helpers.ts';
import { getImport, getImportProblems } from './get-import.ts';
import { importFile } from './import-file.ts';
import { chunks, concat, gbk, utf8 } from './test-support.ts';
import { xlsxBytes } from './xlsx-test-support.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const viewer = { actor: 'test', canUnmask: true };

// A Taobao order report as the seller back end writes it: GBK, a banner line, `="…"` ids.
const taobaoFile = concat(
  gbk('订单报表\r\n'),
  gbk(
    `${csvLine(['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间', '联系手机'])}\r\n`,
  ),
  gbk('="3000000000000000001",张三,28.90,交易成功,2024-10-04 11:42:00,13900139000\r\n'),
  gbk('="3000000000000000002",李四,10,"卖家已发货，等待买家确认",2024-10-05 08:00:00,\r\n'),
  gbk('6.9E+18,张三,5,交易成功,2024-10-06 08:00:00,13900139000\r\n'),
  gbk('="3000000000000000004",李四,12,等待买家付款,,\r\n'),
);

const JD_HEADER = [
  '订单号',
  '商品ID',
  '商品名称',
  '订购数量',
  '下单时间',
  '京东价',
  '应付金额',
  '订单状态',
  '下单帐号',
  '联系电话',
  '付款确认时间',
];
const jdFile = utf8(
  csvText(JD_HEADER, [
    {
      订单号: '90001',
      商品ID: 'S1',
      商品名称: '精华液',
      订购数量: '1',
      下单时间: '2024-10-07 09:00:00',
      京东价: '99.00',
      应付金额: '159.00',
      订单状态: '完成',
      下单帐号: 'jd_zhangsan',
      联系电话: '13900139000',
      付款确认时间: '2024-10-07 09:01:00',
    },
    {
      订单号: '90001',
      商品ID: 'S2',
      商品名称: '面霜',
      订购数量: '1',
      下单时间: '2024-10-07 09:00:00',
      京东价: '60.00',
      应付金额: '159.00',
      订单状态: '完成',
      下单帐号: 'jd_zhangsan',
      联系电话: '13900139000',
      付款确认时间: '2024-10-07 09:01:00',
    },
  ]),
);

const WECOM_HEADER = ['客户名称', '添加人', '添加人账号', '添加时间', '手机', 'external_userid'];
const wecomFile = utf8(
  csvText(WECOM_HEADER, [
    {
      客户名称: '张三',
      添加人: '小鹿',
      添加人账号: 'xiaolu',
      添加时间: '2024-10-08 10:00:00',
      手机: '13900139000',
      external_userid: 'wmZhangSan',
    },
  ]),
);

async function run(
  ws: Workspace,
  name: string,
  bytes: Uint8Array,
  options: { dryRun?: boolean; format?: string } = {},
) {
  return importFile(h.db, ws, {
    fileName: name,
    fileBytes: bytes.byteLength,
    source: chunks(bytes, 7),
    actor: 'test',
    dryRun: options.dryRun,
    format: options.format,
  });
}

describe('importFile', () => {
  test('a Taobao file and a JD file of the same buyer, then a WeCom customer list, make one profile', async () => {
    const ws = await createTestWorkspace(h, 'imports-merge');
    const taobao = await run(ws, 'ExportOrderList202410080000.csv', taobaoFile);
    expect(taobao).toMatchObject({ status: 'done', format: 'taobao_orders' });
    expect(taobao.summary).toMatchObject({
      rows_read: 4,
      rows_imported: 2,
      rows_rejected: 1,
      rows_skipped: 1,
      orders: 2,
    });
    const jd = await run(ws, 'jd.csv', jdFile);
    expect(jd.summary).toMatchObject({ rows_read: 2, rows_imported: 2, orders: 1 });
    const wecom = await run(ws, 'customers.csv', wecomFile);
    expect(wecom).toMatchObject({ status: 'done', format: 'wecom_customers' });

    const order = await h.db
      .selectFrom('orders')
      .select('customer_id')
      .where('order_id', '=', '90001')
      .executeTakeFirstOrThrow();
    const profile = await getCustomer360(h.db, ws, order.customer_id, { viewer, unmask: true });
    expect(profile.shops.map((s) => [s.shop, s.orders, s.paid_fen])).toEqual([
      ['jd', 1, 15900],
      ['taobao', 1, 2890],
    ]);
    expect(profile.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([
      'jd_pin:jd_zhangsan',
      'phone:13900139000',
      'taobao_nick:张三',
      'wecom_external_userid:wmZhangSan',
    ]);
    // The import ran the upkeep it queued: the profile's aggregates and channel tags are current.
    const stats = await h.db
      .selectFrom('customer_stats')
      .select(['orders', 'net_fen'])
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', order.customer_id)
      .executeTakeFirstOrThrow();
    expect(stats).toEqual({ orders: 2, net_fen: 15900 + 2890 });
    const tags = await h.db
      .selectFrom('customer_tags')
      .select('tag')
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', order.customer_id)
      .where('tag', 'like', 'shop:%')
      .orderBy('tag')
      .execute();
    expect(tags.map((t) => t.tag)).toEqual(['shop:jd', 'shop:taobao']);
    const queued = await h.db
      .selectFrom('upkeep_queue')
      .select('customer_ids')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(queued).toEqual([]);

    const report = await getImportProblems(h.db, ws, taobao.id, { limit: 10 });
    // Stored and served in both console languages, with a code programs can rely on.
    expect(report.problems).toEqual([
      {
        line: 5,
        kind: 'rejected',
        column: '订单编号',
        code: 'id_rounded_by_excel',
        reason: expect.stringContaining('Excel'),
        reason_zh: expect.stringContaining('已被 Excel 改写'),
      },
      {
        line: 6,
        kind: 'skipped',
        column: null,
        code: expect.stringMatching(/^[a-z_]+$/),
        reason: expect.stringContaining('等待买家付款'),
        reason_zh: expect.stringContaining('等待买家付款'),
      },
    ]);
    expect(await getImport(h.db, ws, taobao.id)).toMatchObject({
      status: 'done',
      progress: 1,
      encoding: 'gb18030',
    });
  });

  test('importing the same file again changes nothing but the import log', async () => {
    const ws = await createTestWorkspace(h, 'imports-again');
    await run(ws, 'jd.csv', jdFile);
    const before = await snapshotTables(h.db);
    const again = await run(ws, 'jd.csv', jdFile);
    expect(again.summary.events).toEqual({ duplicate: 1 });
    const after = await snapshotTables(h.db);
    for (const table of Object.keys(before).filter((t) => !t.startsWith('import'))) {
      expect(after[table], table).toEqual(before[table]);
    }
  });

  test('a dry run reports and stores nothing but its report', async () => {
    const ws = await createTestWorkspace(h, 'imports-dry');
    const result = await run(ws, 'ExportOrderList.csv', taobaoFile, { dryRun: true });
    expect(result.summary).toMatchObject({
      rows_imported: 2,
      rows_rejected: 1,
      rows_skipped: 1,
      events: { valid: 2 },
    });
    const events = await h.db.selectFrom('events').select('id').where('workspace_id', '=', ws.id).execute();
    expect(events).toEqual([]);
    expect((await getImportProblems(h.db, ws, result.id, { limit: 10 })).problems).toHaveLength(2);
  });

  test('the summary counts rejected and skipped lines by reason code and column, largest first, with an example', async () => {
    const ws = await createTestWorkspace(h, 'imports-reasons');
    const file = concat(
      gbk(`${csvLine(['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间'])}\r\n`),
      gbk('="3000000000000000011",王五,12,等待买家付款,\r\n'),
      gbk('6.9E+18,王五,5,交易成功,2024-10-06 08:00:00\r\n'),
      gbk('="3000000000000000012",王五,abc,交易成功,2024-10-06 08:00:00\r\n'),
      gbk('7.1E+18,王五,5,交易成功,2024-10-06 08:00:00\r\n'),
      gbk('8.2E+18,王五,5,交易成功,2024-10-06 08:00:00\r\n'),
    );
    const result = await run(ws, 'ExportOrderList.csv', file, { dryRun: true });
    const expected = [
      {
        kind: 'rejected',
        code: 'id_rounded_by_excel',
        column: '订单编号',
        count: 3,
        example: { en: expect.stringContaining('"6.9E+18"'), zh: expect.stringContaining('“6.9E+18”') },
      },
      {
        kind: 'skipped',
        code: 'not_paid',
        column: null,
        count: 1,
        example: { en: expect.stringContaining('等待买家付款'), zh: expect.stringContaining('未付款') },
      },
      {
        kind: 'rejected',
        code: 'not_an_amount',
        column: '买家实际支付金额',
        count: 1,
        example: { en: expect.stringContaining('"abc"'), zh: expect.stringContaining('“abc”') },
      },
    ];
    expect(result.summary.reasons).toEqual(expected);
    expect((await getImport(h.db, ws, result.id)).summary.reasons).toEqual(expected);
  });

  test('a file of no known format fails with a clear message; an unknown --format is refused', async () => {
    const ws = await createTestWorkspace(h, 'imports-unknown');
    const result = await run(ws, 'notes.csv', utf8('标题,内容\r\n你好,世界\r\n'));
    expect(result.status).toBe('failed');
    expect(result.failure?.en).toMatch(
      /^notes\.csv: No header row.*Known formats: taobao_orders .*--format\.$/s,
    );
    expect(await getImport(h.db, ws, result.id)).toMatchObject({
      failure: result.failure?.en,
      failure_code: 'no_header',
      failure_zh: expect.stringMatching(/^notes\.csv：前 20 行里没有表头.*已知格式：taobao_orders /s),
    });
    await expect(run(ws, 'x.csv', jdFile, { format: 'amazon_orders' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  test('the same report saved as .xlsx imports the same way; an old .xls is refused with what to do', async () => {
    const ws = await createTestWorkspace(h, 'imports-xlsx');
    const workbook = await xlsxBytes((sheet) => {
      sheet.addRow(['订单报表']);
      sheet.addRow(['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间', '联系手机']);
      sheet.addRow(['3000000000000000009', '王五', 66.6, '交易成功', '2024-10-04 11:42:00', '13700137000']);
      sheet.addRow([6.917926768823644e18, '王五', 1, '交易成功', '2024-10-04 11:42:00', '13700137000']);
    });
    const result = await run(ws, '订单报表.xlsx', workbook);
    expect(result).toMatchObject({ status: 'done', format: 'taobao_orders' });
    expect(result.summary).toMatchObject({ rows_read: 2, rows_imported: 1, rows_rejected: 1, orders: 1 });
    const [problem] = (await getImportProblems(h.db, ws, result.id, { limit: 10 })).problems;
    expect(problem).toMatchObject({
      line: 4,
      column: '订单编号',
      code: 'id_rounded_by_excel',
      reason: expect.stringContaining('Excel'),
    });

    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(600).fill(0)]);
    const refused = await run(ws, 'ExportOrderList.xls', xls);
    expect(refused.status).toBe('failed');
    expect(refused.failure?.en).toMatch(/^ExportOrderList\.xls: This is an old Excel \.xls file.*\.xlsx/);
    expect(refused.failure).toMatchObject({
      code: 'old_excel',
      zh: expect.stringContaining('ExportOrderList.xls：'),
    });
  });

  test('a file of no known format imports with a mapping; a bad mapping is refused with its issues', async () => {
    const ws = await createTestWorkspace(h, 'imports-mapping');
    const mapping = {
      name: 'crm-orders',
      kind: 'order',
      source: 'crm',
      columns: {
        order_id: 'Order No',
        paid_at: 'Paid At',
        amount: 'Total',
        shop_value: 'miniapp',
        identities: [{ kind: 'phone', column: 'Mobile' }],
      },
    };
    const file = utf8('Order No,Paid At,Total,Mobile\r\nC-1,2024-10-09 10:00:00,"¥1,299.00",13900139000\r\n');
    const result = await importFile(h.db, ws, {
      fileName: 'crm.csv',
      fileBytes: file.byteLength,
      source: chunks(file, 5),
      mapping,
      actor: 'test',
    });
    expect(result).toMatchObject({ status: 'done', format: 'generic:crm-orders', summary: { orders: 1 } });
    const order = await h.db
      .selectFrom('orders')
      .selectAll()
      .where('order_id', '=', 'C-1')
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ shop: 'miniapp', paid_fen: 129900 });
    await expect(
      importFile(h.db, ws, {
        fileName: 'crm.csv',
        fileBytes: file.byteLength,
        source: chunks(file, 5),
        mapping: { ...mapping, columns: { ...mapping.columns, identities: [{ kind: 'qq', column: 'QQ' }] } },
        actor: 'test',
      }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('unknown identity kind "qq"'),
    });
  });

  test('an undecodable file fails, naming where', async () => {
    const ws = await createTestWorkspace(h, 'imports-bytes');
    const result = await run(
      ws,
      'broken.csv',
      new Uint8Array([0xff, 0xfe, 0x00, 0xd8, 0x00, 0x00, 0x41, 0x81, 0x2c]),
    );
    expect(result.status).toBe('failed');
    expect(result.failure?.en).toContain('broken.csv');
    expect(result.failure?.zh).toContain('broken.csv');
  });
});
