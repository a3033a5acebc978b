import { beforeAll, describe, expect, test } from 'vitest';
import { openXlsx } from './read-xlsx.ts';
import { sniffFileKind } from './sniff-file-kind.ts';
import { deflatedZeros, oneChunk, rewriteZip, unzipAll, xlsxBytes, zipBytes } from './xlsx-test-support.ts';

const SHEET = 'xl/worksheets/sheet1.xml';
const BOMB_SIZE = 256 * 1024 * 1024;

let workbook: Buffer;
let zeros: Awaited<ReturnType<typeof deflatedZeros>>;
let spaces: Awaited<ReturnType<typeof deflatedZeros>>;

beforeAll(async () => {
  workbook = await xlsxBytes((sheet) => {
    sheet.addRow(['订单编号', '买家会员名', '买家实际支付金额']);
    sheet.addRow(['1', '张三', 1]);
  });
  // 256 MiB of zeros deflate to about 250 KiB (≈1000:1).
  zeros = await deflatedZeros(BOMB_SIZE);
  spaces = await deflatedZeros(BOMB_SIZE, 0x20);
});

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

describe('zip limits, checked before anything is inflated', () => {
  test('an entry declaring a huge, highly compressed size is refused from the central directory', async () => {
    const bomb = rewriteZip(workbook, (p) => (p.name === SHEET ? { name: p.name, packed: zeros } : null));
    expect(zeros.bytes.length).toBeLessThan(BOMB_SIZE / 500);
    const { value, ms } = await timed(() => openXlsx(oneChunk(bomb)));
    expect(value).toMatchObject({ ok: false, code: 'zip_bomb' });
    expect(!value.ok && value.reason).toMatch(/would unpack from .* to 256\.0 MiB .*zip bomb/);
    // Inflating 256 MiB would take far longer; reading the directory takes milliseconds.
    expect(ms).toBeLessThan(500);
  });

  test('the total unpacked size has a limit', async () => {
    const bomb = rewriteZip(workbook, (p) => (p.name === SHEET ? { name: p.name, packed: zeros } : null));
    const value = await openXlsx(oneChunk(bomb), {
      maxCompressionRatio: 10_000,
      maxUncompressedBytes: 128 * 1024 * 1024,
    });
    expect(value).toMatchObject({ ok: false, code: 'too_large' });
    expect(!value.ok && value.reason).toMatch(
      /Unpacked, the file would take 256\.\d MiB, more than the limit of 128\.0 MiB/,
    );
  });

  test('an entry that lies about its size is stopped once it inflates past what it declared', async () => {
    // Declares 100 KiB (a plausible ratio) but holds 256 MiB of spaces, which the XML parser
    // would take in without complaint.
    const liar = rewriteZip(workbook, (p) =>
      p.name === SHEET ? { name: p.name, packed: { ...spaces, size: 100 * 1024 } } : null,
    );
    const { value, ms } = await timed(() => openXlsx(oneChunk(liar)));
    expect(value).toMatchObject({ ok: false, code: 'zip_bomb' });
    expect(!value.ok && value.reason).toMatch(/unpacks to more than the 102400 bytes it declares/);
    expect(ms).toBeLessThan(500);
  });

  test('other limits: file size, entry count, shared strings', async () => {
    expect(await openXlsx(oneChunk(workbook), { maxFileBytes: 1000 })).toMatchObject({
      ok: false,
      code: 'too_large',
    });
    expect(await openXlsx(oneChunk(workbook), { maxEntries: 3 })).toMatchObject({
      ok: false,
      code: 'zip_bomb',
    });
    expect(await openXlsx(oneChunk(workbook), { maxSharedStringsBytes: 10 })).toMatchObject({
      ok: false,
      code: 'too_large',
    });
  });
});

describe('sniffFileKind', () => {
  test('tells xlsx, xls, other zips and text apart', () => {
    expect(sniffFileKind(workbook.subarray(0, 512))).toBe('xlsx');
    expect(sniffFileKind(Buffer.from('d0cf11e0a1b11ae1000000', 'hex'))).toBe('xls');
    expect(sniffFileKind(zipBytes([{ name: '资金流水.csv', data: Buffer.from('a,b') }]))).toBe('zip');
    expect(sniffFileKind(Buffer.from('订单编号,买家会员名\n'))).toBe('text');
    expect(sniffFileKind(new Uint8Array())).toBe('text');
    // exceljs writes `[Content_Types].xml` first; a workbook starting with `xl/` is one too.
    expect(unzipAll(workbook)[0]!.name).toBe('[Content_Types].xml');
    expect(sniffFileKind(zipBytes([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }]))).toBe(
      'xlsx',
    );
  });
});
