import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getCustomer360 } from '../../customers/get-customer-360.ts';
import type { DbHandle } from '../../db/create-db.ts';
import { createTestDb, createTestWorkspace } from '../../testing/test-db.ts';
import { getImportProblems } from '../get-import.ts';
import { importFile } from '../import-file.ts';
import { chunks, utf8 } from '../test-support.ts';
import { detectFormat } from './index.ts';
import { csvLine, linesOf, mapFile } from './test-helpers.ts';

/**
 * §3c, the 2026 header exactly as the fixture has it: a trailing comma, so the last header field
 * is empty and the data rows are two fields shorter (ragged).
 */
const HEADER_LINE =
  '客户姓名,客户昵称,客户手机号,客户生日,客户性别,标签,是否会员,成长值,免费等级,付费等级,权益卡,客户积分,客户储值余额,消费次数,消费金额,累计退款金额,累计退款订单数,笔单价,上次消费时间,分销员,导购员,企微好友,来源渠道,来源方式,成为客户时间,成为会员时间,成为会员店铺,公众号,公众号关注时间,最近浏览时间,微信地域,所属区域,指定时间消费次数,指定时间消费金额,';
const HEADER = HEADER_LINE.split(',').slice(0, -1);

/** A data row of 33 fields (the fixture's rows stop short of the last two header fields). */
function row(cells: Record<string, string>): string {
  return csvLine(HEADER.slice(0, 33).map((name) => cells[name] ?? '——'));
}

const customer = (over: Record<string, string>) => ({
  客户姓名: '——',
  客户昵称: '小鹿',
  客户性别: '女',
  是否会员: '是',
  消费次数: '3',
  消费金额: '299.00',
  企微好友: '是',
  来源渠道: '微信小程序',
  来源方式: '登录创建客户',
  成为客户时间: '2026-03-01 10:00:00',
  ...over,
});

const file = [
  HEADER_LINE,
  row(customer({ 客户姓名: '张三', 客户手机号: '\t13900139000' })), // 2
  row(customer({ 客户手机号: '186******05' })), // 3: masked, nothing else
  row(customer({ 客户手机号: '13900139000', 客户昵称: '三哥', 成为客户时间: '2026/3/2 9:05' })), // 4: same phone
  row(customer({ 客户手机号: '13700137000', 成为客户时间: '' })), // 5
  row(customer({ 客户手机号: '1.37001E+10' })), // 6: Excel destroyed it
  row(customer({ 客户手机号: '——', 客户昵称: '无名' })), // 7
  row(customer({ 客户手机号: '13600136000', 成为客户时间: '昨天' })), // 8
].join('\r\n');

describe('youzan_customers', () => {
  test('is detected from its header, with or without the ids a version may add', () => {
    expect(detectFormat(HEADER_LINE.split(','))?.format.id).toBe('youzan_customers');
    expect(detectFormat(['客户昵称', '客户手机号', '客户性别', '成为客户时间'])?.format.id).toBe(
      'youzan_customers',
    );
    expect(detectFormat(['客户ID', 'unionid', '客户昵称', '成为客户时间'])?.format.id).toBe(
      'youzan_customers',
    );
  });

  test('each row links its phone and ids; masked phones, empty and bad cells are explained', async () => {
    const mapped = await mapFile(`${file}\r\n`, { expect: 'youzan_customers' });
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(mapped.events).toEqual([
      {
        id: expect.stringMatching(/^youzan-customer-[0-9a-f]{32}$/),
        kind: 'identity.linked',
        occurred_at: '2026-03-01T10:00:00+08:00',
        source: 'youzan',
        identities: [{ kind: 'phone', value: '13900139000' }],
        properties: { shop: 'youzan' },
      },
      expect.objectContaining({
        occurred_at: '2026-03-02T09:05:00+08:00',
        identities: [{ kind: 'phone', value: '13900139000' }],
      }),
    ]);
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 3,
        reason: {
          code: 'unmatchable_phone',
          en: '客户手机号 "186******05" is masked or not a mobile number and "小鹿" has no other id: it matches nobody',
          zh: '客户手机号“186******05”已打码或不是手机号，且“小鹿”没有其他编号：无法匹配任何人',
        },
      },
      {
        kind: 'skipped',
        line: 7,
        reason: {
          code: 'no_identifier',
          en: 'No identifier for "无名" (no phone or id): a name alone matches nobody',
          zh: '“无名”没有任何标识（无手机号或编号）：仅凭姓名无法匹配任何人',
        },
      },
    ]);
    expect(mapped.rejected).toEqual([
      {
        kind: 'rejected',
        line: 5,
        column: '成为客户时间',
        reason: expect.objectContaining({
          code: 'customer_since_empty',
          en: expect.stringContaining('is empty'),
          zh: expect.stringContaining('为空'),
        }),
      },
      {
        kind: 'rejected',
        line: 6,
        column: '客户手机号',
        reason: expect.objectContaining({
          code: 'id_rounded_by_excel',
          en: expect.stringContaining('Excel'),
        }),
      },
      {
        kind: 'rejected',
        line: 8,
        column: '成为客户时间',
        reason: expect.objectContaining({ code: 'not_a_time', en: expect.stringContaining('昨天') }),
      },
    ]);
  });

  test('ids, when the export has them, are linked with the phone', async () => {
    const text = `${csvLine(['客户ID', '客户昵称', '客户手机号', 'unionid', '成为客户时间'])}\r\n${csvLine([
      '="8800123"',
      '小鹿',
      '13900139000',
      'oUnionYZ1',
      '2026-03-01 10:00:00',
    ])}\r\n${csvLine(['8800124', '阿木', '138****0000', '', '2026-03-01 10:00:00'])}\r\n`;
    const mapped = await mapFile(text, { expect: 'youzan_customers' });
    expect(mapped.events.map((e) => e.identities)).toEqual([
      [
        { kind: 'youzan_uid', value: '8800123' },
        { kind: 'wechat_unionid', value: 'oUnionYZ1' },
        { kind: 'phone', value: '13900139000' },
      ],
      [
        { kind: 'youzan_uid', value: '8800124' },
        { kind: 'phone', value: '138****0000' },
      ],
    ]);
    expect((await mapFile(text)).outcomes).toEqual(mapped.outcomes);
  });
});

describe('youzan_customers, imported', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  test('customers sharing a phone become one profile; the report names each bad or skipped line', async () => {
    const ws = await createTestWorkspace(h, 'youzan-customers');
    const bytes = utf8(`\ufeff${file}\r\n`);
    const result = await importFile(h.db, ws, {
      fileName: '客户数据_123.csv',
      fileBytes: bytes.byteLength,
      source: chunks(bytes, 9),
      actor: 'test',
    });
    expect(result).toMatchObject({ status: 'done', format: 'youzan_customers' });
    expect(result.summary).toMatchObject({
      rows_read: 7,
      rows_imported: 2,
      rows_rejected: 3,
      rows_skipped: 2,
    });
    expect(result.summary.customers_after).toBe(1);
    const problems = (await getImportProblems(h.db, ws, result.id, { limit: 10 })).problems;
    expect(problems.map((p) => [p.line, p.kind, p.column])).toEqual([
      [3, 'skipped', null],
      [5, 'rejected', '成为客户时间'],
      [6, 'rejected', '客户手机号'],
      [7, 'skipped', null],
      [8, 'rejected', '成为客户时间'],
    ]);
    const customer = await h.db
      .selectFrom('customers')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    const profile = await getCustomer360(h.db, ws, customer.id, {
      viewer: { actor: 'test', canUnmask: true },
      unmask: true,
    });
    expect(profile.identities.map((i) => `${i.kind}:${i.value}`)).toEqual(['phone:13900139000']);
  });
});
