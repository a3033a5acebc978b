import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Row } from 'exceljs';
import { cleanText } from './clean-cell.ts';
import { countHeaderMatches, normalizeHeaderName, uniqueHeaderNames } from './header-row.ts';
import { type Reason, reason } from './import-reason.ts';
import type { CsvBannerLine, CsvItem, OpenCsvResult, ReadCsvOptions } from './read-csv.ts';
import { cellText } from './read-xlsx-cells.ts';
import { parseRelationships, parseWorkbook } from './read-xlsx-workbook.ts';
import { OLD_EXCEL_REASON, sniffFileKind } from './sniff-file-kind.ts';
import {
  entriesByName,
  readAt,
  readZipDirectory,
  sizeText,
  type ZipDirectory,
  type ZipEntry,
  type ZipFailureCode,
  type ZipLimits,
} from './zip-directory.ts';
import {
  entryBytes,
  entryText,
  type StoredZipEntry,
  storedZip,
  textEntry,
  ZipReadError,
} from './zip-entry.ts';

/**
 * Reads the first worksheet of an .xlsx, streaming, into the same items as `openCsv`: the header
 * row found below any banner rows, then one item per non-blank row, keyed by the header's
 * normalised, unique names, every cell through `cleanText`. `line` is the sheet's row number.
 *
 * How: the zip's central directory is read first and checked against the limits (zip-directory.ts)
 * — nothing is inflated for a file that declares too much. The parts the reader needs (workbook,
 * styles, shared strings, the first worksheet) are then inflated one after the other, each held to
 * its declared size and checked against its CRC (zip-entry.ts), and handed to exceljs's streaming
 * `WorkbookReader` as a small zip of stored entries in the order it needs them, so the sheet is
 * parsed as it is inflated: exceljs never spools it to a temporary file, and the other sheets,
 * pictures and the like are never inflated. exceljs ignores the sheet's declared `<dimension>`,
 * so a sheet that declares `A1:A1` (§0.12) is read whole.
 *
 * Memory: the sheet is streamed; the shared-strings table is held (exceljs, like every xlsx
 * reader, needs it at hand), limited by `maxSharedStringsBytes`.
 *
 * A source that is not a path is first written to a temporary file (the central directory is at
 * the end of a zip), up to `maxFileBytes`; the file is removed as soon as it is open. Read `rows`
 * to the end, or call `rows.return()`, to close the file.
 */

export interface ReadXlsxOptions
  extends Pick<ReadCsvOptions, 'expectedHeaders' | 'minHeaderMatches' | 'headerSearchLines'>,
    ZipLimits {
  /** Largest file accepted, packed. Default 256 MiB. */
  readonly maxFileBytes?: number;
  /** Largest shared-strings part, unpacked (it is held in memory). Default 128 MiB. */
  readonly maxSharedStringsBytes?: number;
  /** Where a streamed source is spooled. Default the OS temporary directory. */
  readonly tempDir?: string;
}

export const DEFAULT_MAX_XLSX_FILE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024;
/** The workbook part and relationship lists are small; anything bigger is not a real workbook. */
const MAX_SMALL_PART_BYTES = 16 * 1024 * 1024;

const NO_WORKSHEET = reason('no_worksheet', 'The workbook has no worksheet.', '工作簿里没有工作表。');
const EMPTY_WORKSHEET = reason('empty_worksheet', 'The worksheet has no rows.', '工作表没有任何行。');

export type XlsxFailureCode =
  | ZipFailureCode
  | 'xls'
  | 'not_xlsx'
  | 'no_worksheet'
  | 'empty'
  | 'no_header'
  | 'unreadable';

type OpenedSheet = Extract<OpenCsvResult, { ok: true }>;

export type OpenXlsxResult =
  | (OpenedSheet & { readonly sheetName: string })
  | {
      readonly ok: false;
      readonly code: XlsxFailureCode;
      readonly line: number | null;
      readonly reason: Reason;
    };

type Failure = Extract<OpenXlsxResult, { ok: false }>;

export async function openXlsx(
  source: string | AsyncIterable<Uint8Array>,
  options: ReadXlsxOptions = {},
): Promise<OpenXlsxResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_XLSX_FILE_BYTES;
  let file: FileHandle;
  if (typeof source === 'string') {
    try {
      file = await open(source, 'r');
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return fail(
        'unreadable',
        reason('cannot_open_file', `The file cannot be opened: ${detail}`, `无法打开文件：${detail}`),
      );
    }
  } else {
    const spooled = await spool(source, maxFileBytes, options.tempDir ?? tmpdir());
    if ('ok' in spooled) {
      return spooled;
    }
    file = spooled;
  }
  let handedOver = false;
  try {
    const result = await openFile(file, options, maxFileBytes);
    handedOver = result.ok;
    return result;
  } catch (error) {
    // A read error of the file itself (the disk, not its content).
    const detail = error instanceof Error ? error.message : String(error);
    return fail(
      'unreadable',
      reason('cannot_read_file', `The file cannot be read: ${detail}`, `无法读取文件：${detail}`),
    );
  } finally {
    if (!handedOver) {
      // The sheet reader may have closed it already.
      await file.close().catch(() => {});
    }
  }
}

async function openFile(
  file: FileHandle,
  options: ReadXlsxOptions,
  maxFileBytes: number,
): Promise<OpenXlsxResult> {
  const { size } = await file.stat();
  if (size > maxFileBytes) {
    return fail(
      'too_large',
      reason(
        'file_too_large',
        `The file is ${sizeText(size)}, more than the limit of ${sizeText(maxFileBytes)}.`,
        `文件大小为 ${sizeText(size, 'zh')}，超过上限 ${sizeText(maxFileBytes, 'zh')}。`,
      ),
    );
  }
  if (size === 0) {
    return fail('empty', reason('empty_file', 'The file is empty.', '文件是空的。'));
  }
  const kind = sniffFileKind(await readAt(file, 0, Math.min(size, 512)));
  if (kind === 'xls') {
    return fail('xls', OLD_EXCEL_REASON);
  }
  if (kind === 'text') {
    return fail(
      'not_xlsx',
      reason(
        'not_xlsx',
        'The file is not an Excel .xlsx workbook (it does not start like one). If it is a CSV, upload it as .csv.',
        '文件不是 Excel .xlsx 工作簿（文件开头与之不符）。如果它是 CSV，请以 .csv 文件上传。',
      ),
    );
  }
  const read = await readZipDirectory(file, size, options);
  if (!read.ok) {
    return fail(read.code, read.reason);
  }
  const directory = read.directory;
  let parts: WorkbookParts | Failure;
  try {
    parts = await findParts(file, directory, options);
  } catch (error) {
    if (error instanceof ZipReadError) {
      return fail(error.code, error.reason);
    }
    throw error;
  }
  if ('ok' in parts) {
    return parts;
  }
  return readSheet(file, directory, parts, options);
}

interface WorkbookParts {
  readonly workbook: ZipEntry;
  readonly sheet: ZipEntry;
  readonly sheetName: string;
  readonly sharedStrings: ZipEntry | null;
  readonly styles: ZipEntry | null;
  readonly date1904: boolean;
}

async function findParts(
  file: FileHandle,
  directory: ZipDirectory,
  options: ReadXlsxOptions,
): Promise<WorkbookParts | Failure> {
  const byName = entriesByName(directory);
  const text = (entry: ZipEntry) => entryText(file, directory, entry, MAX_SMALL_PART_BYTES);
  for (const entry of directory.entries) {
    if (entry.flags & 0x1) {
      return fail(
        'encrypted',
        reason(
          'encrypted_workbook',
          `${OLD_EXCEL_REASON.en} (Its packed parts are encrypted.)`,
          `${OLD_EXCEL_REASON.zh}（它的压缩包中的文件已加密。）`,
        ),
      );
    }
  }
  const rootRels = byName.get('_rels/.rels');
  const rootTarget =
    rootRels === undefined
      ? undefined
      : parseRelationships(await text(rootRels), '_rels/.rels').find((r) => r.type === 'officeDocument')
          ?.target;
  const workbook = byName.get((rootTarget ?? 'xl/workbook.xml').toLowerCase());
  if (workbook === undefined) {
    return fail(
      'not_xlsx',
      byName.has('[content_types].xml')
        ? reason(
            'not_a_workbook',
            'The file is an Office document but not an Excel workbook (no workbook part in it).',
            '文件是 Office 文档，但不是 Excel 工作簿（其中没有工作簿部件）。',
          )
        : reason(
            'zip_not_xlsx',
            'The file is a zip archive, not an Excel .xlsx workbook. Unpack it and upload the files inside.',
            '文件是压缩包，不是 Excel .xlsx 工作簿。请解压后上传其中的文件。',
          ),
    );
  }
  const { sheets, date1904 } = parseWorkbook(await text(workbook));
  const relsName = workbook.name.replace(/([^/]*)$/, '_rels/$1.rels');
  const relsEntry = byName.get(relsName.toLowerCase());
  const rels = relsEntry === undefined ? [] : parseRelationships(await text(relsEntry), relsName);
  const byId = new Map(rels.map((r) => [r.id, r]));
  // The first sheet in the workbook's order that is a worksheet (not a chart sheet).
  const first = sheets.find((s) => byId.get(s.relationshipId)?.type === 'worksheet');
  if (first === undefined) {
    return fail('no_worksheet', NO_WORKSHEET);
  }
  const sheet = byName.get(byId.get(first.relationshipId)!.target.toLowerCase());
  if (sheet === undefined) {
    return fail(
      'no_worksheet',
      reason(
        'worksheet_missing',
        `The workbook lists the worksheet "${first.name}" but the file does not hold it (is the file damaged?).`,
        `工作簿列出了工作表“${first.name}”，但文件里没有它（文件是否已损坏？）。`,
      ),
    );
  }
  const part = (type: string) => {
    const target = rels.find((r) => r.type === type)?.target;
    return target === undefined ? null : (byName.get(target.toLowerCase()) ?? null);
  };
  const sharedStrings = part('sharedStrings');
  const maxShared = options.maxSharedStringsBytes ?? DEFAULT_MAX_SHARED_STRINGS_BYTES;
  if (sharedStrings !== null && sharedStrings.uncompressedSize > maxShared) {
    return fail(
      'too_large',
      reason(
        'shared_strings_too_large',
        `The workbook's table of texts would take ${sizeText(sharedStrings.uncompressedSize)}, more than the limit of ` +
          `${sizeText(maxShared)}. Export a shorter date range, or as CSV.`,
        `工作簿的文本表将占用 ${sizeText(sharedStrings.uncompressedSize, 'zh')}，超过上限 ${sizeText(maxShared, 'zh')}。` +
          '请缩短导出的日期范围，或导出为 CSV。',
      ),
    );
  }
  return { workbook, sheet, sheetName: first.name, sharedStrings, styles: part('styles'), date1904 };
}

type HeaderFound = {
  readonly kind: 'header';
  readonly header: OpenedSheet['header'];
  readonly banner: CsvBannerLine[];
};

async function readSheet(
  file: FileHandle,
  directory: ZipDirectory,
  parts: WorkbookParts,
  options: ReadXlsxOptions,
): Promise<OpenXlsxResult> {
  const sheetRead = signal();
  const sheetBytes = () => entryBytes(file, directory, parts.sheet);
  const stored = (name: string, entry: ZipEntry): StoredZipEntry => ({
    name,
    size: entry.uncompressedSize,
    crc32: entry.crc32,
    bytes: () => entryBytes(file, directory, entry),
  });
  // In the order exceljs needs them to stream the sheet rather than spool it: relationships and
  // shared strings before the sheet.
  const entries = [
    textEntry('xl/_rels/workbook.xml.rels', '<Relationships/>'),
    stored('xl/workbook.xml', parts.workbook),
    ...(parts.styles === null ? [] : [stored('xl/styles.xml', parts.styles)]),
    parts.sharedStrings === null
      ? textEntry('xl/sharedStrings.xml', '<sst/>')
      : stored('xl/sharedStrings.xml', parts.sharedStrings),
    {
      ...stored('xl/worksheets/sheet1.xml', parts.sheet),
      bytes: () => wholeWorksheet(sheetBytes(), sheetRead),
    },
  ];
  const run = sheetItems(file, entries, sheetRead.promise, parts.date1904, options);
  const first = await run.next();
  if (first.done) {
    return fail('empty', EMPTY_WORKSHEET);
  }
  const item = first.value;
  if ('ok' in item) {
    return item;
  }
  if (item.kind !== 'header') {
    return fail(
      'unreadable',
      reason('unreadable_worksheet', 'The worksheet could not be read.', '无法读取工作表。'),
    );
  }
  return {
    ok: true,
    encoding: 'utf-8',
    encodingDecidedBy: 'content',
    sheetName: parts.sheetName,
    header: item.header,
    banner: item.banner,
    // After the header the generator yields only items; it was started, so `return()` closes the file.
    rows: run as AsyncGenerator<CsvItem, void, undefined>,
  };
}

/**
 * One generator for the whole read, so that the caller's `rows.return()` reaches its `finally`:
 * first a failure or the header, then the items.
 */
async function* sheetItems(
  file: FileHandle,
  entries: readonly StoredZipEntry[],
  sheetRead: Promise<void>,
  date1904: boolean,
  options: ReadXlsxOptions,
): AsyncGenerator<HeaderFound | Failure | CsvItem, void, undefined> {
  const input = Readable.from(storedZip(entries), { objectMode: false });
  const guard = failureGuard(input);
  let lastLine = 0;
  try {
    // Loaded on first use: exceljs adds ≈ 20 MiB to a process, which a CSV import never needs.
    const { default: ExcelJS } = await import('exceljs');
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    const sheets = reader[Symbol.asyncIterator]();
    const sheet = await guard(sheets.next());
    if (sheet.done) {
      yield fail('no_worksheet', NO_WORKSHEET);
      return;
    }
    const rows = sheet.value[Symbol.asyncIterator]();
    const nextRow = async (): Promise<{ line: number; fields: string[] } | null> => {
      const next = await guard(rows.next());
      if (next.done) {
        // The sheet's last bytes were checked (size, CRC, closing tag) before its rows count as all read.
        await guard(sheetRead);
        return null;
      }
      const line = Number.isInteger(next.value.number) ? next.value.number : lastLine + 1;
      lastLine = line;
      return { line, fields: rowFields(next.value, date1904) };
    };

    const expected = new Set(
      [...(options.expectedHeaders ?? [])].map(normalizeHeaderName).filter((n) => n !== ''),
    );
    const minMatches = Math.min(options.minHeaderMatches ?? 3, expected.size);
    const searchLines = options.headerSearchLines ?? 20;
    const banner: CsvBannerLine[] = [];
    let names: string[] | null = null;
    try {
      while (names === null) {
        const row = await nextRow();
        if (row === null || row.line > searchLines) {
          yield banner.length === 0 && row === null
            ? fail('empty', EMPTY_WORKSHEET)
            : fail('no_header', noHeaderReason(expected, minMatches, searchLines));
          return;
        }
        if (isBlank(row.fields)) {
          continue;
        }
        const matched = countHeaderMatches(row.fields, expected);
        if (matched >= minMatches) {
          const cells = withoutTrailingBlanks(row.fields);
          names = uniqueHeaderNames(cells);
          yield { kind: 'header', header: { line: row.line, endLine: row.line, names, matched }, banner };
        } else {
          banner.push({ line: row.line, endLine: row.line, cells: row.fields });
        }
      }
    } catch (error) {
      yield fail(failureCode(error), unreadableReason(error, lastLine + 1));
      return;
    }

    for (;;) {
      let row: { line: number; fields: string[] } | null;
      try {
        row = await nextRow();
      } catch (error) {
        yield { kind: 'fatal', line: lastLine + 1, reason: unreadableReason(error, lastLine + 1) };
        return;
      }
      if (row === null) {
        return;
      }
      if (isBlank(row.fields)) {
        continue;
      }
      // No prototype: a header cell named `__proto__` must be an ordinary key.
      const cells: Record<string, string | null> = Object.create(null);
      for (let i = 0; i < names.length; i++) {
        cells[names[i]!] = cleanText(row.fields[i] ?? '');
      }
      // Cells right of the header's last named column have no name; they are left out.
      yield { kind: 'row', line: row.line, endLine: row.line, cells };
    }
  } finally {
    input.destroy();
    await file.close();
  }
}

/**
 * exceljs pipes its input into the unzipper, which does not see an error of the input: a failure
 * of ours (a lying size, a bad CRC, a cut worksheet) would leave it waiting forever. Each step is
 * raced against the input's error instead. (Not with `Promise.race` against one pending promise:
 * every race would leave a reaction on it, holding the row it resolved with.)
 */
function failureGuard(input: Readable): <T>(step: Promise<T>) => Promise<T> {
  let failure: { error: unknown } | null = null;
  const waiting = new Set<(error: unknown) => void>();
  input.once('error', (error) => {
    failure = { error };
    for (const reject of waiting) {
      reject(error);
    }
    waiting.clear();
  });
  return <T>(step: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (failure !== null) {
        step.catch(() => {});
        reject(failure.error);
        return;
      }
      waiting.add(reject);
      step.then(
        (value) => {
          waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          waiting.delete(reject);
          reject(error);
        },
      );
    });
}

interface Signal {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function signal(): Signal {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * The sheet's bytes, checked to end with `</worksheet>`: the XML parser takes a document cut short
 * for a short one, which would silently lose the rows after the cut.
 */
async function* wholeWorksheet(
  bytes: AsyncIterable<Buffer>,
  done: Signal,
): AsyncGenerator<Buffer, void, undefined> {
  let tail = '';
  for await (const chunk of bytes) {
    tail = (tail + chunk.subarray(-64).toString('latin1')).slice(-64);
    yield chunk;
  }
  if (!/<\/(?:[\w.-]+:)?worksheet>\s*$/.test(tail)) {
    throw new ZipReadError(
      'corrupt',
      reason(
        'worksheet_cut_off',
        'The file is damaged: its worksheet stops in the middle, so rows may be missing. Download the export again and upload it.',
        '文件已损坏：工作表在中间断开，可能缺了一些行。请重新下载导出的文件再上传。',
      ),
    );
  }
  done.resolve();
}

function rowFields(row: Row, date1904: boolean): string[] {
  const fields: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    fields[column - 1] = cellText(cell.value, cell.numFmt, date1904);
  });
  return Array.from(fields, (f) => f ?? '');
}

function withoutTrailingBlanks(fields: readonly string[]): string[] {
  let end = fields.length;
  while (end > 0 && fields[end - 1]!.trim() === '') {
    end--;
  }
  return fields.slice(0, end);
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

function failureCode(error: unknown): XlsxFailureCode {
  return error instanceof ZipReadError ? error.code : 'corrupt';
}

function unreadableReason(error: unknown, line: number): Reason {
  if (error instanceof ZipReadError) {
    return error.reason;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return reason(
    'damaged_worksheet',
    `The worksheet cannot be read from row ${line} on: its content is damaged (${detail}).`,
    `工作表从第 ${line} 行起无法读取：内容已损坏（${detail}）。`,
  );
}

function noHeaderReason(expected: ReadonlySet<string>, minMatches: number, searchLines: number): Reason {
  const examples = [...expected].slice(0, 8).join(', ');
  const more = expected.size > 8 ? ', …' : '';
  return reason(
    'no_header',
    `No header row in the first ${searchLines} rows: no row holds at least ${minMatches} of the expected ` +
      `column names (${examples}${more}). Is this the right kind of export?`,
    `前 ${searchLines} 行里没有表头：没有哪一行包含至少 ${minMatches} 个预期的列名（${examples}${more}）。` +
      '是不是导出的文件类型不对？',
  );
}

function fail(code: XlsxFailureCode, why: Reason, line: number | null = null): Failure {
  return { ok: false, code, line, reason: why };
}

/** Writes the source to a temporary file, up to `maxBytes`, and opens it; the file is unlinked at once. */
async function spool(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  tempDir: string,
): Promise<FileHandle | Failure> {
  const dir = await mkdtemp(join(tempDir, 'hatchery-xlsx-'));
  const path = join(dir, 'upload.xlsx');
  try {
    const out = createWriteStream(path);
    let written = 0;
    let refused: Failure | null = null;
    try {
      for await (const chunk of source) {
        written += chunk.length;
        if (written > maxBytes) {
          refused = fail(
            'too_large',
            reason(
              'file_too_large',
              `The file is larger than the limit of ${sizeText(maxBytes)}.`,
              `文件大小超过上限 ${sizeText(maxBytes, 'zh')}。`,
            ),
          );
          break;
        }
        if (!out.write(chunk)) {
          await new Promise<void>((resolve, reject) => {
            out.once('drain', resolve);
            out.once('error', reject);
          });
        }
      }
    } finally {
      out.end();
      await finished(out);
    }
    if (refused !== null) {
      return refused;
    }
    return await open(path, 'r');
  } finally {
    // The open handle keeps the bytes readable (POSIX); elsewhere removal may fail and is left to the OS.
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
