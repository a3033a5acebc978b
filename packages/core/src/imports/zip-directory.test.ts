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
    expect(value).toMatchObject({ ok: false, code: 'zip_bomb', reason: { code: 'compression_ratio' } });
    expect(!value.ok && value.reason.en).toMatch(/would unpack from .* to 256\.0 MiB .*zip bomb/);
    expect(!value.ok && value.reason.zh).toMatch(
      /“xl\/worksheets\/sheet1\.xml”.*解压到 256\.0 MiB.*压缩炸弹/,
    );
    // Inflating 256 MiB would take far longer; reading the directory takes milliseconds.
    expect(ms).toBeLessThan(500);
  });

  test('the total unpacked size has a limit', async () => {
    const bomb = rewriteZip(workbook, (p) => (p.name === SHEET ? { name: p.name, packed: zeros } : null));
    const value = await openXlsx(oneChunk(bomb), {
      maxCompressionRatio: 10_000,
      maxUncompressedBytes: 128 * 1024 * 1024,
    });
    expect(value).toMatchObject({ ok: false, code: 'too_large', reason: { code: 'unpacked_too_large' } });
    expect(!value.ok && value.reason.en).toMatch(
      /Unpacked, the file would take 256\.\d MiB, more than the limit of 128\.0 MiB/,
    );
    expect(!value.ok && value.reason.zh).toMatch(/解压后将占用 256\.\d MiB，超过上限 128\.0 MiB/);
  });

  test('an entry that lies about its size is stopped once it inflates past what it declared', async () => {
    // Declares 100 KiB (a plausible ratio) but holds 256 MiB of spaces, which the XML parser
    // would take in without complaint.
    const liar = rewriteZip(workbook, (p) =>
      p.name === SHEET ? { name: p.name, packed: { ...spaces, size: 100 * 1024 } } : null,
    );
    const { value, ms } = await timed(() => openXlsx(oneChunk(liar)));
    expect(value).toMatchObject({
      ok: false,
      code: 'zip_bomb',
      reason: { code: 'entry_larger_than_declared' },
    });
    expect(!value.ok && value.reason.en).toMatch(/unpacks to more than the 102400 bytes it declares/);
    expect(!value.ok && value.reason.zh).toMatch(/超过它声明的 102400 字节.*压缩炸弹/);
    expect(ms).toBeLessThan(500);
  });

  test('other limits: file size, entry count, shared strings', async () => {
    expect(await openXlsx(oneChunk(workbook), { maxFileBytes: 1000 })).toMatchObject({
      ok: false,
      code: 'too_large',
      reason: {
        code: 'file_too_large',
        en: 'The file is larger than the limit of 1000 bytes.',
        zh: '文件大小超过上限 1000 字节。',
      },
    });
    const entries = await openXlsx(oneChunk(workbook), { maxEntries: 3 });
    expect(entries).toMatchObject({ ok: false, code: 'zip_bomb', reason: { code: 'too_many_entries' } });
    expect(!entries.ok && entries.reason.zh).toMatch(/^压缩包中有 \d+ 个文件，超过上限 3 个/);
    const shared = await openXlsx(oneChunk(workbook), { maxSharedStringsBytes: 10 });
    expect(shared).toMatchObject({
      ok: false,
      code: 'too_large',
      reason: { code: 'shared_strings_too_large' },
    });
    expect(!shared.ok && shared.reason.zh).toMatch(/文本表将占用 \d+ 字节，超过上限 10 字节/);
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
