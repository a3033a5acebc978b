import { describe, expect, test } from 'vitest';
import { parseAmountFen, parseId, parseTimestamp } from './clean-cell.ts';
import { openCsv } from './read-csv.ts';
import { chunks, concat, gbk, hexBytes, readAll, rowCells, utf8 } from './test-support.ts';

/** Part of Taobao's ExportOrderList header (§1a), as a format would declare it. */
const TAOBAO = [
  '订单编号',
  '买家会员名',
  '买家实际支付金额',
  '订单状态',
  '联系手机',
  '订单付款时间 ',
  '收货地址 ',
];
const DOUYIN = ['主订单编号', '子订单编号', '选购商品', '订单应付金额', '订单状态', '售后状态'];
const PDD = [
  '商品',
  '订单号',
  '订单状态',
  '商品总价（元）',
  '用户实付金额(元)',
  '手机',
  '用户购买手机号',
  '支付时间',
];

describe('openCsv, one test per quirk of the formats README §0', () => {
  test('§0.1 a GBK Taobao export with ="…" order ids, CRLF, trailing-space headers (§0.4, §0.6)', async () => {
    const file = gbk(
      '订单编号,买家会员名,买家实际支付金额,订单状态,联系手机,订单付款时间 \r\n' +
        '="1234567890123456789",张三,178.80,交易成功,\'13800138000,2019-03-12 10:48:00\r\n' +
        '="1234567890123456790",李四,0.00,"卖家已发货，等待买家确认",\'13900139000,\r\n',
    );
    const { file: csv, items } = await readAll(chunks(file, 7), { expectedHeaders: TAOBAO });
    expect(csv.encoding).toBe('gb18030');
    expect(csv.header).toMatchObject({ line: 1, matched: 6 });
    expect(csv.header.names).toContain('订单付款时间');
    expect(items.map((i) => [i.kind, i.line])).toEqual([
      ['row', 2],
      ['row', 3],
    ]);
    expect(rowCells(items)).toEqual([
      {
        订单编号: '1234567890123456789',
        买家会员名: '张三',
        买家实际支付金额: '178.80',
        订单状态: '交易成功',
        联系手机: '13800138000',
        订单付款时间: '2019-03-12 10:48:00',
      },
      {
        订单编号: '1234567890123456790',
        买家会员名: '李四',
        买家实际支付金额: '0.00',
        订单状态: '卖家已发货，等待买家确认',
        联系手机: '13900139000',
        订单付款时间: null,
      },
    ]);
  });

  test('§0.2 a UTF-8 BOM file: the BOM is not part of the first header name', async () => {
    const bytes = concat(hexBytes('ef bb bf'), utf8('主订单编号,订单状态,售后状态\n"\t9001",已发货,-\n'));
    const { file, items } = await readAll(bytes, { expectedHeaders: DOUYIN });
    expect(file).toMatchObject({ encoding: 'utf-8', encodingDecidedBy: 'bom' });
    expect(file.header.names[0]).toBe('主订单编号');
    expect(rowCells(items)).toEqual([{ 主订单编号: '9001', 订单状态: '已发货', 售后状态: null }]);
  });

  test('§0.3 tab-prefixed ids and phones, quoted or not, lose their tabs; a tab alone is empty', async () => {
    const text =
      '订单号,手机,用户购买手机号,商品总价(元)\n"\t220915-1234567890","\t13999999999",\t,\t12.50\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: PDD });
    expect(rowCells(items)).toEqual([
      { 订单号: '220915-1234567890', 手机: '13999999999', 用户购买手机号: null, '商品总价(元)': '12.50' },
    ]);
  });

  test('§0.4 ="…" wrappers, unquoted (Taobao) or inside a quoted cell (ERP exports)', async () => {
    const text = '订单编号,订单付款时间\n="1234567890123456789","=""2026-06-19 10:00:00"""\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: TAOBAO, minHeaderMatches: 2 });
    const [row] = rowCells(items);
    expect(row).toEqual({ 订单编号: '1234567890123456789', 订单付款时间: '2026-06-19 10:00:00' });
    expect(parseTimestamp(row!.订单付款时间!)).toEqual({ ok: true, value: '2026-06-19T10:00:00+08:00' });
  });

  test('§0.5 a leading apostrophe or backtick is dropped', async () => {
    const text = "动账流水号,关联订单号,子订单号,订单号\n`6930000000000000001,'S1,'7001,\n";
    const { items } = await readAll(utf8(text), {
      expectedHeaders: ['动账流水号', '关联订单号', '子订单号', '订单号'],
    });
    expect(rowCells(items)).toEqual([
      { 动账流水号: '6930000000000000001', 关联订单号: 'S1', 子订单号: '7001', 订单号: null },
    ]);
  });

  test('§0.6 header cells with trailing spaces, tabs, NBSP and full-width brackets match the expected names', async () => {
    const text = '商品, 订单号\t,订单状态\u00a0,商品总价（元）\n面膜,220915-1,已发货,12.00\n';
    const { file, items } = await readAll(utf8(text), { expectedHeaders: PDD, minHeaderMatches: 4 });
    expect(file.header.names).toEqual(['商品', '订单号', '订单状态', '商品总价(元)']);
    expect(rowCells(items)[0]?.['商品总价(元)']).toBe('12.00');
  });

  test('§0.7 a file re-saved in Excel: YYYY/M/D H:MM dates are read, E+ ids are refused with the reason', async () => {
    const text = '主订单编号,子订单编号,订单应付金额,订单状态\r\n6.91793E+18,6.91793E+18,29.9,已发货\r\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: DOUYIN });
    const [row] = rowCells(items);
    const id = parseId(row!.主订单编号!);
    expect(id.ok).toBe(false);
    expect(id.ok ? null : id.reason).toMatchObject({
      code: 'id_rounded_by_excel',
      en: expect.stringMatching(/"6\.91793E\+18" was rounded by Excel.*export the file again/s),
      zh: expect.stringMatching(/“6\.91793E\+18”已被 Excel 改写.*重新导出/s),
    });
    expect(parseAmountFen(row!.订单应付金额!)).toEqual({ ok: true, value: 2990 });
    const chat = 'id,MsgSvrID,type_name,talker,CreateTime\r\n1,9.53E+17,文本,我,2024/10/4 11:42\r\n';
    const { items: chatItems } = await readAll(utf8(chat), {
      expectedHeaders: ['id', 'MsgSvrID', 'CreateTime'],
    });
    expect(parseTimestamp(rowCells(chatItems)[0]!.CreateTime!)).toEqual({
      ok: true,
      value: '2024-10-04T11:42:00+08:00',
    });
  });

  test('§0.8 masked and encrypted personal data is kept as written (never used to match: later slice)', async () => {
    const text =
      '主订单编号,收件人,收件人手机号,订单状态\n1,##密文,$$密文,已发货\n2,张*,1******6198,已发货\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: [...DOUYIN, '收件人'] });
    expect(rowCells(items).map((r) => r.收件人手机号)).toEqual(['$$密文', '1******6198']);
  });

  test('§0.9 empty markers (-, ——, a lone space, N/A, null) become null', async () => {
    const text = '订单号,订单状态,买家备注,订单星级,推广方式,买家昵称\nO-1,交易完成,——, ,N/A,null\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: ['订单号', '订单状态', '买家备注'] });
    expect(rowCells(items)).toEqual([
      { 订单号: 'O-1', 订单状态: '交易完成', 买家备注: null, 订单星级: null, 推广方式: null, 买家昵称: null },
    ]);
  });

  test('§0.10 amounts keep their ¥, 元 and separators as text until a format cleans them to fen', async () => {
    const text = '订单编号,买家实际支付金额,订单状态,打款商家金额\n="1","1,234.50",交易成功,12.00元\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: TAOBAO, minHeaderMatches: 2 });
    const [row] = rowCells(items);
    expect(parseAmountFen(row!.买家实际支付金额!)).toEqual({ ok: true, value: 123450 });
    expect(parseAmountFen(row!.打款商家金额!)).toEqual({ ok: true, value: 1200 });
  });

  test('§0.14 banner lines above the header are set aside, and the header is found below them', async () => {
    const text =
      '订单报表\n导出时间：2026-09-15 10:00:00,,\n\n商品,订单号,订单状态,商品总价(元)\n面膜,220915-1,已发货,12.00\n';
    const { file, items } = await readAll(utf8(text), { expectedHeaders: PDD });
    expect(file.header.line).toBe(4);
    expect(file.banner.map((b) => [b.line, b.cells[0]])).toEqual([
      [1, '订单报表'],
      [2, '导出时间：2026-09-15 10:00:00'],
    ]);
    expect(items).toEqual([
      {
        kind: 'row',
        line: 5,
        endLine: 5,
        cells: { 商品: '面膜', 订单号: '220915-1', 订单状态: '已发货', '商品总价(元)': '12.00' },
      },
    ]);
  });

  test('§0.14 a repeated header name is kept apart (Youzan 分销员)', async () => {
    const text = '订单号,分销员,订单状态,分销员,分销员手机号\nO-1,小王,交易完成,小李,13800138000\n';
    const { file, items } = await readAll(utf8(text), { expectedHeaders: ['订单号', '订单状态', '分销员'] });
    expect(file.header.names).toEqual(['订单号', '分销员', '订单状态', '分销员#2', '分销员手机号']);
    expect(rowCells(items)[0]).toMatchObject({ 分销员: '小王', '分销员#2': '小李' });
  });

  test('§0.14 a header ending in a comma, with shorter rows (Youzan customers): missing cells are null', async () => {
    const text = '客户姓名,客户昵称,客户手机号,成长值,\n张三,小张,186******05\n李四,小李,13800138000,10,\n';
    const { file, items } = await readAll(utf8(text), {
      expectedHeaders: ['客户姓名', '客户昵称', '客户手机号'],
    });
    expect(file.header.names).toEqual(['客户姓名', '客户昵称', '客户手机号', '成长值', '#5']);
    expect(rowCells(items)).toEqual([
      { 客户姓名: '张三', 客户昵称: '小张', 客户手机号: '186******05', 成长值: null, '#5': null },
      { 客户姓名: '李四', 客户昵称: '小李', 客户手机号: '13800138000', 成长值: '10', '#5': null },
    ]);
  });
});

describe('openCsv, rows and errors', () => {
  test('a quoted cell with line breaks is one row, and later rows keep their physical line numbers', async () => {
    const text = '订单号,订单状态,买家留言\r\nO-1,完成,"请在周末送达\r\n谢谢\r\n""急"""\r\nO-2,完成,\r\n';
    const { items } = await readAll(utf8(text), { expectedHeaders: ['订单号', '订单状态', '买家留言'] });
    expect(items).toEqual([
      {
        kind: 'row',
        line: 2,
        endLine: 4,
        cells: { 订单号: 'O-1', 订单状态: '完成', 买家留言: '请在周末送达\r\n谢谢\r\n"急"' },
      },
      { kind: 'row', line: 5, endLine: 5, cells: { 订单号: 'O-2', 订单状态: '完成', 买家留言: null } },
    ]);
  });

  test('a bad row is reported with its line, column and reason, and the rows after it are read', async () => {
    const text = 'a,b,c\n1,"x"y,3\n2,2,2\n3,3,3,extra\n4,4,4,,\n5,"never closed\n6,6,6\n';
    const { items } = await readAll(utf8(text));
    expect(
      items.map((i) =>
        i.kind === 'row' ? ['row', i.line, i.cells.a] : [i.kind, i.line, i.kind === 'error' ? i.code : ''],
      ),
    ).toEqual([
      ['error', 2, 'text_after_quote'],
      ['row', 3, '2'],
      ['error', 4, 'cells_beyond_header'],
      ['row', 5, '4'],
      ['error', 6, 'unclosed_quote'],
    ]);
    expect(items[0]).toMatchObject({
      column: 'b',
      reason: {
        code: 'text_after_quote',
        en: expect.stringMatching(/Column "b" has text after its closing quote/),
        zh: expect.stringContaining('“b”列在闭合引号之后还有文字'),
      },
    });
    expect(items[4]).toMatchObject({
      line: 6,
      endLine: 7,
      column: 'b',
      reason: {
        code: 'unclosed_quote',
        en: 'The quote that opens column "b" on line 6 is never closed, so lines 6–7 could not be read.',
        zh: '第 6 行“b”列开头的引号没有闭合，所以第 6–7 行无法读取。',
      },
    });
    expect(items[2]).toMatchObject({
      reason: { code: 'cells_beyond_header', zh: expect.stringContaining('第 4 个单元格') },
    });
  });

  test('a cell over 1 MiB is refused with a clear reason; memory holds no more than the limit', async () => {
    async function* source() {
      yield utf8('订单号,买家留言\nO-1,');
      for (let i = 0; i < 40; i++) {
        yield utf8('很长'.repeat(16 * 1024)); // 40 × 32 Ki characters: 1.25 Mi characters
      }
      yield utf8('\nO-2,好\n');
    }
    const { items } = await readAll(source(), {
      expectedHeaders: ['订单号', '买家留言'],
      minHeaderMatches: 2,
    });
    expect(items).toEqual([
      {
        kind: 'error',
        line: 2,
        endLine: 2,
        code: 'field_too_long',
        column: '买家留言',
        reason: {
          code: 'field_too_long',
          en: 'Column "买家留言" is longer than 1048576 characters, which no export writes (is a quote left open?).',
          zh: '“买家留言”列超过 1048576 个字符，没有哪种导出会写这么长（是不是有引号没闭合？）。',
        },
      },
      { kind: 'row', line: 3, endLine: 3, cells: { 订单号: 'O-2', 买家留言: '好' } },
    ]);
  });

  test('invalid GBK bytes in the first 64 KiB: the file is refused with the offset and line', async () => {
    const bytes = concat(gbk('订单编号,订单状态\r\n="1",交易成功\r\n="2",'), hexBytes('81 7f'), gbk('\r\n'));
    const r = await openCsv(chunks(bytes), { expectedHeaders: TAOBAO });
    expect(r).toMatchObject({ ok: false, code: 'undecodable', line: 3 });
    expect(r.ok ? '' : r.reason.en).toMatch(
      /byte offset 39 \(line 3\) fits neither \(the bytes there are 81 7F 0D 0A\)/,
    );
    expect(r.ok ? null : r.reason).toMatchObject({
      code: 'unknown_encoding',
      zh: expect.stringContaining('第 3 行'),
    });
  });

  test('invalid GBK bytes later: the rows before are read, then a fatal item says where reading stopped', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => gbk(`="${100000 + i}",交易成功\r\n`));
    const bytes = concat(
      gbk('订单编号,订单状态\r\n'),
      ...rows,
      gbk('="9",'),
      hexBytes('ff'),
      gbk(',x\r\n="10",交易成功\r\n'),
    );
    const { file, items } = await readAll(chunks(bytes, 65536), {
      expectedHeaders: TAOBAO,
      minHeaderMatches: 2,
    });
    expect(file.encoding).toBe('gb18030');
    expect(items.filter((i) => i.kind === 'row')).toHaveLength(5000);
    const last = items.at(-1);
    expect(last).toMatchObject({ kind: 'fatal', line: 5002 });
    expect(last?.kind === 'fatal' && last.reason.code).toBe('mixed_encodings');
    expect(last?.kind === 'fatal' && last.reason.en).toMatch(
      /The text at byte offset \d+ \(line 5002\) is not valid GB18030\/GBK \(the bytes there are FF 2C 78 0D …\)/,
    );
  });

  test('no header among the first lines, or an empty file, is refused with the reason', async () => {
    const noHeader = await openCsv(chunks(utf8('x,y\n1,2\n')), { expectedHeaders: TAOBAO });
    expect(noHeader).toMatchObject({ ok: false, code: 'no_header' });
    expect(noHeader.ok ? '' : noHeader.reason.en).toMatch(
      /No header row in the first 20 lines.*at least 3.*订单编号/,
    );
    expect(noHeader.ok ? '' : noHeader.reason.zh).toMatch(/前 20 行里没有表头.*至少 3 个.*订单编号/);
    const late = `${'banner\n'.repeat(25)}订单编号,订单状态,联系手机\n`;
    expect(await openCsv(chunks(utf8(late)), { expectedHeaders: TAOBAO })).toMatchObject({
      code: 'no_header',
    });
    expect(
      await openCsv(chunks(utf8(late)), { expectedHeaders: TAOBAO, headerSearchLines: 30 }),
    ).toMatchObject({
      ok: true,
    });
    expect(await openCsv(chunks(utf8('\n , \n')), {})).toMatchObject({ ok: false, code: 'empty' });
  });

  test('without expected names, the first non-blank line is the header; rows have no prototype', async () => {
    const { file, items } = await readAll(utf8('\n__proto__,constructor\n1,2\n'));
    expect(file.header).toMatchObject({ line: 2, names: ['__proto__', 'constructor'], matched: 0 });
    const row = items[0];
    expect(row?.kind === 'row' && Object.getPrototypeOf(row.cells)).toBe(null);
    expect(row?.kind === 'row' && Object.entries(row.cells)).toEqual([
      ['__proto__', '1'],
      ['constructor', '2'],
    ]);
  });

  test('stopping early closes the file', async () => {
    let closed = false;
    async function* source() {
      try {
        yield utf8('a,b\n');
        for (let i = 0; i < 1000; i++) {
          yield utf8('1,2\n'.repeat(1000));
        }
      } finally {
        closed = true;
      }
    }
    const file = await openCsv(source());
    if (!file.ok) {
      throw new Error(file.reason.en);
    }
    for await (const _ of file.rows) {
      break;
    }
    expect(closed).toBe(true);
  });

  test('the rows do not depend on how the bytes are cut', async () => {
    const bytes = gbk(
      '订单报表\r\n订单编号,订单状态,联系手机\r\n="1","卖家已发货，等待买家确认",\'13800138000\r\n="2",交易成功,\r\n',
    );
    const whole = await readAll(bytes, { expectedHeaders: TAOBAO });
    for (let cut = 1; cut < bytes.length; cut++) {
      const parts = [bytes.slice(0, cut), bytes.slice(cut)];
      async function* source() {
        yield* parts;
      }
      expect((await readAll(source(), { expectedHeaders: TAOBAO })).items).toEqual(whole.items);
    }
    expect((await readAll(chunks(bytes, 1), { expectedHeaders: TAOBAO })).items).toEqual(whole.items);
  });
});
