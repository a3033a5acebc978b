import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseId, parseTimestamp } from './clean-cell.ts';
import { openXlsx } from './read-xlsx.ts';
import { OLD_EXCEL_REASON } from './sniff-file-kind.ts';
import { rowCells } from './test-support.ts';
import {
  oneChunk,
  readXlsx,
  rewriteZip,
  unzipAll,
  xlsxBytes,
  type ZipWriteEntry,
  zipBytes,
} from './xlsx-test-support.ts';

const TAOBAO = ['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间 '];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-xlsx-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Taobao-like order report as Excel would hold it (§1b). */
function orderReport(sheet: Parameters<Parameters<typeof xlsxBytes>[0]>[0]): void {
  sheet.addRow(['订单报表']);
  sheet.addRow(['导出时间', '2026-06-30 12:00:00']);
  sheet.addRow([]);
  sheet.addRow(['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间 ', '备注', '备注']);
  sheet.addRow([
    '6917926768823643751',
    ' 张三 ',
    178.8,
    '交易成功',
    new Date(Date.UTC(2026, 5, 19, 10, 0, 5)),
    '——',
    { formula: 'C5*2', result: 357.6 },
  ]);
  // An id Excel turned into a number: its last digits are gone.
  sheet.addRow([
    Number('6917926768823643751'),
    { richText: [{ text: '李' }, { text: '四' }] },
    0.1 + 0.2,
    '交易关闭',
    null,
    true,
    "'13800138000",
  ]);
  sheet.addRow([]);
  sheet.addRow(['1234567890123456', '王五', 0, '交易成功', '2026/6/19 10:00', 'N/A', '="12345"']);
}

describe('openXlsx', () => {
  test('a sheet written by exceljs: banner rows, duplicate headers, dates, long ids, empty markers', async () => {
    const bytes = await xlsxBytes(orderReport);
    const { file, items } = await readXlsx(bytes, { expectedHeaders: TAOBAO });
    expect(file.sheetName).toBe('订单报表');
    expect(file.header).toEqual({
      line: 4,
      endLine: 4,
      names: ['订单编号', '买家会员名', '买家实际支付金额', '订单状态', '订单付款时间', '备注', '备注#2'],
      matched: 5,
    });
    expect(file.banner).toEqual([
      { line: 1, endLine: 1, cells: ['订单报表'] },
      { line: 2, endLine: 2, cells: ['导出时间', '2026-06-30 12:00:00'] },
    ]);
    expect(items.map((i) => [i.kind, i.line])).toEqual([
      ['row', 5],
      ['row', 6],
      ['row', 8],
    ]);
    expect(rowCells(items)).toEqual([
      {
        订单编号: '6917926768823643751',
        买家会员名: '张三',
        买家实际支付金额: '178.8',
        订单状态: '交易成功',
        订单付款时间: '2026-06-19 10:00:05',
        备注: null,
        '备注#2': '357.6',
      },
      {
        订单编号: '6.91793E+18',
        买家会员名: '李四',
        买家实际支付金额: '0.3',
        订单状态: '交易关闭',
        订单付款时间: null,
        备注: 'TRUE',
        '备注#2': '13800138000',
      },
      {
        订单编号: '1234567890123456',
        买家会员名: '王五',
        买家实际支付金额: '0',
        订单状态: '交易成功',
        订单付款时间: '2026/6/19 10:00',
        备注: null,
        '备注#2': '12345',
      },
    ]);
    const [first, second] = rowCells(items);
    expect(parseTimestamp(first!.订单付款时间!)).toEqual({ ok: true, value: '2026-06-19T10:00:05+08:00' });
    expect(parseId(second!.订单编号!)).toMatchObject({
      ok: false,
      reason: expect.objectContaining({
        code: 'id_rounded_by_excel',
        en: expect.stringContaining('rounded by Excel'),
      }),
    });
  });

  test('reads from a path as from a stream', async () => {
    const path = join(dir, 'orders.xlsx');
    await writeFile(path, await xlsxBytes(orderReport));
    const { items } = await readXlsx(path, { expectedHeaders: TAOBAO });
    expect(items.filter((i) => i.kind === 'row')).toHaveLength(3);
  });

  test('§0.12 a sheet declaring A1:A1 is read whole', async () => {
    const original = await xlsxBytes((sheet) => {
      sheet.addRow(['订单编号', '买家会员名', '买家实际支付金额']);
      for (let i = 1; i <= 300; i++) {
        sheet.addRow([`10000${i}`, `买家${i}`, i]);
      }
    });
    const doctored = rewriteZip(original, (part) =>
      part.name === 'xl/worksheets/sheet1.xml'
        ? {
            name: part.name,
            data: Buffer.from(
              Buffer.from(part.data)
                .toString('utf8')
                .replace(/<dimension ref="[^"]*"/, '<dimension ref="A1:A1"'),
            ),
          }
        : null,
    );
    const sheetXml = unzipAll(doctored).find((p) => p.name === 'xl/worksheets/sheet1.xml')!;
    expect(Buffer.from(sheetXml.data).toString('utf8')).toContain('<dimension ref="A1:A1"/>');
    const { items } = await readXlsx(doctored, { expectedHeaders: TAOBAO });
    const rows = rowCells(items);
    expect(rows).toHaveLength(300);
    expect(items.at(-1)!.line).toBe(301);
    expect(rows.at(-1)).toEqual({ 订单编号: '10000300', 买家会员名: '买家300', 买家实际支付金额: '300' });
  });

  test('a hand-written workbook: first sheet by workbook order, inline strings, built-in date format, no shared strings', async () => {
    const { items, file } = await readXlsx(handWritten(), { expectedHeaders: TAOBAO, minHeaderMatches: 2 });
    expect(file.sheetName).toBe('订单');
    expect(file.header.names).toEqual(['订单编号', '订单付款时间', '买家实际支付金额', '联系手机']);
    expect(items.map((i) => [i.kind, i.line])).toEqual([
      ['row', 2],
      ['row', 5],
    ]);
    expect(rowCells(items)).toEqual([
      {
        订单编号: '6.91793E+18',
        订单付款时间: '2026-06-19 10:00:05',
        买家实际支付金额: '178.8',
        联系手机: '13800138000',
      },
      { 订单编号: 'x&y', 订单付款时间: null, 买家实际支付金额: null, 联系手机: 'a\rb' },
    ]);
  });

  test('§0.15 an old .xls (or encrypted workbook) is refused with a message saying what to do', async () => {
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1024)]);
    const result = await openXlsx(oneChunk(xls));
    expect(result).toMatchObject({ ok: false, code: 'xls', reason: OLD_EXCEL_REASON });
    if (result.ok) {
      throw new Error('expected a failure');
    }
    expect(result.reason.code).toBe('old_excel');
    expect(result.reason.en).toMatch(/\.xls\b.*password-protected.*\.xlsx.*CSV/s);
    expect(result.reason.zh).toMatch(/\.xls.*密码.*另存为.*\.xlsx.*CSV/s);
  });

  test('damaged and foreign files come back as errors, never as throws', async () => {
    const good = await xlsxBytes(orderReport);
    // What, bytes, failure code, then the reason's code, English and Chinese.
    const cases: [string, Uint8Array, string, string, RegExp, RegExp][] = [
      [
        'truncated',
        good.subarray(0, Math.floor(good.length / 2)),
        'corrupt',
        'incomplete_zip',
        /not a complete \.xlsx/,
        /不是完整的 \.xlsx.*重新下载/,
      ],
      [
        'text',
        Buffer.from('订单编号,买家会员名\n1,张三\n'),
        'not_xlsx',
        'not_xlsx',
        /not an Excel \.xlsx/,
        /不是 Excel \.xlsx 工作簿/,
      ],
      ['empty', new Uint8Array(), 'empty', 'empty_file', /empty/, /文件是空的/],
      [
        'zip of CSVs',
        zipBytes([{ name: 'a.csv', data: Buffer.from('x') }]),
        'not_xlsx',
        'zip_not_xlsx',
        /zip archive/,
        /压缩包.*解压/,
      ],
      [
        'encrypted entries',
        rewriteZip(good, (p) =>
          p.name === 'xl/workbook.xml' ? { name: p.name, data: p.data, encrypted: true } : null,
        ),
        'encrypted',
        'encrypted_workbook',
        /password/,
        /设有密码.*已加密/s,
      ],
      [
        'missing worksheet',
        rewriteZip(good, (p) =>
          p.name === 'xl/worksheets/sheet1.xml' ? { name: 'xl/other.xml', data: p.data } : null,
        ),
        'no_worksheet',
        'worksheet_missing',
        /does not hold it/,
        /工作表“订单报表”/,
      ],
      [
        'sheet XML cut short',
        rewriteZip(good, (p) =>
          p.name === 'xl/worksheets/sheet1.xml' ? { name: p.name, data: p.data.subarray(0, 700) } : null,
        ),
        'corrupt',
        'worksheet_cut_off',
        /damaged/,
        /损坏.*工作表在中间断开/,
      ],
    ];
    for (const [what, bytes, code, reasonCode, en, zh] of cases) {
      const result = await openXlsx(oneChunk(bytes), { expectedHeaders: TAOBAO });
      expect(result, what).toMatchObject({ ok: false, code, reason: { code: reasonCode } });
      expect(!result.ok && result.reason.en, what).toMatch(en);
      expect(!result.ok && result.reason.zh, what).toMatch(zh);
    }
    const missing = await openXlsx(join(dir, 'missing.xlsx'));
    expect(missing).toMatchObject({ ok: false, code: 'unreadable', reason: { code: 'cannot_open_file' } });
    // The system's message is kept as it is, in both languages.
    expect(!missing.ok && missing.reason.en).toMatch(/^The file cannot be opened: ENOENT/);
    expect(!missing.ok && missing.reason.zh).toMatch(/^无法打开文件：ENOENT.*missing\.xlsx/);
  });

  test('no header, and an empty sheet', async () => {
    const noHeader = await xlsxBytes((sheet) => {
      sheet.addRow(['a', 'b']);
      sheet.addRow(['c', 'd']);
    });
    const noHeaderResult = await openXlsx(oneChunk(noHeader), { expectedHeaders: TAOBAO });
    expect(noHeaderResult).toMatchObject({ ok: false, code: 'no_header', reason: { code: 'no_header' } });
    expect(!noHeaderResult.ok && noHeaderResult.reason.en).toMatch(/^No header row in the first 20 rows/);
    expect(!noHeaderResult.ok && noHeaderResult.reason.zh).toMatch(/^前 20 行里没有表头.*3 个.*订单编号/);
    const empty = await xlsxBytes(() => {});
    const emptyResult = await openXlsx(oneChunk(empty), { expectedHeaders: TAOBAO });
    expect(emptyResult).toMatchObject({
      ok: false,
      code: 'empty',
      reason: { code: 'empty_worksheet', en: 'The worksheet has no rows.', zh: '工作表没有任何行。' },
    });
  });

  test('damage found after the header ends the rows with a fatal item', async () => {
    const good = await xlsxBytes(orderReport);
    // The sheet's checksum is wrong: the rows are read, then the damage is reported.
    const doctored = rewriteZip(good, (p) =>
      p.name === 'xl/worksheets/sheet1.xml' ? { name: p.name, packed: corruptCrc(p.data) } : null,
    );
    const { items } = await readXlsx(doctored, { expectedHeaders: TAOBAO });
    expect(items.at(-1)).toMatchObject({
      kind: 'fatal',
      reason: {
        code: 'entry_checksum_mismatch',
        en: expect.stringContaining('checksum'),
        zh: expect.stringMatching(/文件已损坏.*“xl\/worksheets\/sheet1\.xml”.*校验和不符/),
      },
    });
  });

  test('rows.return() stops reading and closes the file', async () => {
    const result = await openXlsx(oneChunk(await xlsxBytes(orderReport)), { expectedHeaders: TAOBAO });
    if (!result.ok) {
      throw new Error(result.reason.en);
    }
    const first = await result.rows.next();
    expect(first.value).toMatchObject({ kind: 'row', line: 5 });
    await result.rows.return();
    expect(await result.rows.next()).toEqual({ done: true, value: undefined });
  });
});

function corruptCrc(data: Uint8Array): NonNullable<ZipWriteEntry['packed']> {
  const zip = zipBytes([{ name: 'x', data }]);
  const packedSize = zip.readUInt32LE(18);
  return { bytes: zip.subarray(31, 31 + packedSize), size: data.length, crc: 0x12345678 };
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook as other writers make it: inline strings, a built-in date format, parts in odd places. */
function handWritten(): Buffer {
  const text = (s: string) => Buffer.from(s, 'utf8');
  const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;
  const orders =
    `<worksheet xmlns="${MAIN}"><dimension ref="A1"/><sheetData>` +
    `<row r="1">${inline('A1', '订单编号')}${inline('B1', '订单付款时间')}${inline('C1', '买家实际支付金额')}${inline('D1', '联系手机')}</row>` +
    `<row r="2"><c r="A2"><v>6.9179267688236431E+18</v></c><c r="B2" s="1"><v>46192.416724537037</v></c>` +
    `<c r="C2"><v>178.80000000000001</v></c>${inline('D2', "'13800138000")}</row>` +
    '<row r="3"><c r="A3" t="inlineStr"><is><t> </t></is></c></row>' +
    `<row r="5"><c r="A5" t="str"><f>"x&amp;y"</f><v>x&amp;y</v></c><c r="C5" t="e"><f>1/0</f><v>#DIV/0!</v></c>` +
    `${inline('D5', 'a_x000D_b')}</row>` +
    '</sheetData></worksheet>';
  const other = `<worksheet xmlns="${MAIN}"><sheetData><row r="1">${inline('A1', '订单编号')}</row><row r="2">${inline('A2', 'WRONG')}</row></sheetData></worksheet>`;
  return zipBytes([
    {
      name: '[Content_Types].xml',
      data: text('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    },
    {
      name: '_rels/.rels',
      data: text(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', data: text(other) },
    { name: 'xl/worksheets/sheet2.xml', data: text(orders) },
    {
      name: 'xl/workbook.xml',
      data: text(
        `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="订单" sheetId="2" r:id="rId1"/><sheet name="旧" sheetId="1" r:id="rId3"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: text(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          `<Relationship Id="rId3" Type="${REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/>` +
          `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet2.xml"/>` +
          `<Relationship Id="rId4" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
      ),
    },
    {
      name: 'xl/styles.xml',
      data: text(
        `<styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>` +
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>' +
          '<borders count="1"><border/></borders>' +
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' +
          '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
      ),
    },
  ]);
}
