import { createReadStream, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAmountFen, parseId, parseTimestamp } from './clean-cell.ts';
import { readAll, rowCells } from './test-support.ts';

/** The formats README's samples (shared/ sits beside the repository). */
const SAMPLES = fileURLToPath(new URL('../../../../../shared/formats/samples/', import.meta.url));

/** Header names the later format detection will know, for the samples there are. */
const EXPECTED = [
  ...['主订单编号', '子订单编号', '选购商品', '订单应付金额', '达人ID', '达人昵称', '订单状态', '售后状态'],
  ...[
    '订单号',
    '销售渠道',
    '归属店铺',
    '订单创建时间',
    '买家付款时间',
    '订单实收金额',
    '买家手机号',
    '分销员',
  ],
  ...['id', 'MsgSvrID', 'type_name', 'is_sender', 'talker', 'room_name', 'content', 'msg', 'CreateTime'],
];

const read = (name: string) => readAll(createReadStream(`${SAMPLES}${name}`), { expectedHeaders: EXPECTED });

describe('the samples of the formats README', () => {
  const files = readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .sort();

  test('there are samples to read', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'douyin/doudian_order_export_min_fixture.csv',
        'wechat_chat/pywxdump_v1_content_json.csv',
        'youzan/youzan_order_export_fixture.csv',
      ]),
    );
  });

  test.each(files)('%s is read whole: a header, rows, no error', async (name) => {
    const { file, items } = await read(name);
    expect(file.header.line).toBe(1);
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.kind !== 'row')).toEqual([]);
  });

  test('Douyin: BOM, tab-prefixed ids, `-` for no after-sale', async () => {
    const { file, items } = await read('douyin/doudian_order_export_min_fixture.csv');
    expect(file).toMatchObject({ encoding: 'utf-8', encodingDecidedBy: 'bom' });
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
    const rows = rowCells(items);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      主订单编号: '9001',
      子订单编号: '9001',
      选购商品: '玉肌皂',
      订单应付金额: '29.90',
      达人ID: '7000000000000000001',
      达人昵称: '示例达人',
      订单状态: '已发货',
      售后状态: null,
    });
    expect(rows[2]).toMatchObject({ 主订单编号: '9003', 订单状态: '已关闭', 售后状态: '退款成功' });
    expect(parseAmountFen(rows[1]!.订单应付金额!)).toEqual({ ok: true, value: 4990 });
    expect(parseId(rows[0]!.达人ID!)).toEqual({ ok: true, value: '7000000000000000001' });
    expect(items.map((i) => i.line)).toEqual([2, 3, 4]);
  });

  test('Youzan orders: 60 columns, 分销员 twice, —— for empty, a time range that is not a time', async () => {
    const { file, items } = await read('youzan/youzan_order_export_fixture.csv');
    expect(file.encoding).toBe('utf-8');
    expect(file.header.names).toHaveLength(60);
    expect(file.header.names.filter((n) => n.startsWith('分销员'))).toEqual([
      '分销员',
      '分销员#2',
      '分销员手机号',
      '分销员所属店铺',
      '分销员所属团队',
      '分销员所属分组',
      '分销员等级',
    ]);
    const rows = rowCells(items);
    expect(rows.map((r) => r.订单号)).toEqual(['O-1', 'O-2', 'O-3']);
    const first = rows[0]!;
    expect(first).toMatchObject({
      订单状态: '交易完成',
      订单实收金额: '100.00',
      买家昵称: 'Alice',
      买家手机号: '13800138000',
      订单星级: null, // a lone space
      团长订单: '否',
      订单风险标签: null, // ——
      分销员: null,
      '分销员#2': null,
    });
    expect(parseAmountFen(rows[2]!.订单实收金额!)).toEqual({ ok: true, value: 30000 });
    expect(parseTimestamp(first.订单创建时间!)).toEqual({ ok: true, value: '2026-06-19T10:00:00+08:00' });
    const range = parseTimestamp(first['同城送达时间/提货时间']!);
    expect(range.ok ? '' : range.reason.en).toMatch(/range of times/);
  });

  test('PyWxDump chat: JSON in a quoted cell with doubled quotes, long ids kept as text', async () => {
    const { items } = await read('wechat_chat/pywxdump_v1_content_json.csv');
    const rows = rowCells(items);
    expect(rows).toHaveLength(35);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 35 }, (_, i) => String(i + 1)));
    expect(rows[0]).toEqual({
      id: '1',
      MsgSvrID: '953020244103908134',
      type_name: '系统通知',
      is_sender: '0',
      talker: 'wxid_fake_friend01',
      room_name: 'wxid_fake_friend01',
      content: '{"src": "", "msg": "你已添加了示例好友，现在可以开始聊天了。"}',
      CreateTime: '2023-08-12 23:22:41',
    });
    expect(JSON.parse(rows[14]!.content!)).toEqual({
      src: 'FileStorage\\MsgAttach\\ec71e3b5cc65b1713665080d0f1939e5\\Image\\2023-08\\82332bbba85f6bb3cf85823037f3a99e.dat',
      msg: '图片',
    });
    expect(rows[1]!.talker).toBe('我');
    expect(parseTimestamp(rows[34]!.CreateTime!)).toEqual({ ok: true, value: '2023-08-13T14:15:14+08:00' });
  });
});
