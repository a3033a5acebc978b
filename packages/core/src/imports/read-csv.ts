import { cleanText } from './clean-cell.ts';
import { type CsvProblem, type CsvRecord, CsvTokenizer, type CsvTokenizerLimits } from './csv-tokenizer.ts';
import { type DecodedText, decodeText, TextDecodeError, type TextEncodingName } from './decode-text.ts';
import { countHeaderMatches, normalizeHeaderName, uniqueHeaderNames } from './header-row.ts';
import { type Reason, reason } from './import-reason.ts';

/**
 * Reads a shop's CSV export, streaming: bytes → text (decode-text.ts) → records (csv-tokenizer.ts)
 * → the header row, found below any banner lines → rows keyed by normalised header names, every
 * cell cleaned (clean-cell.ts `cleanText`). Memory does not grow with the file.
 *
 * Every record after the header comes out as a row or an error, each with the physical lines it
 * spans, so an import report can account for every line. Blank lines (only spaces and commas) are
 * skipped. If the bytes stop being decodable, a last `fatal` item says so and where.
 */

export interface ReadCsvOptions extends CsvTokenizerLimits {
  /**
   * Header names of the formats the file may be in (normalised here). The header row is the
   * first line with at least `minHeaderMatches` of them; banner lines above it are set aside.
   * Without names, the first non-blank line is the header.
   */
  readonly expectedHeaders?: Iterable<string>;
  /** Default 3, and never more than the number of expected names. */
  readonly minHeaderMatches?: number;
  /** The header must start within this many lines (default 20). */
  readonly headerSearchLines?: number;
  /** Overrides the encoding sniffing. */
  readonly encoding?: TextEncodingName;
}

export type CsvCells = Readonly<Record<string, string | null>>;

export type CsvErrorCode = CsvProblem['code'] | 'cells_beyond_header';

export type CsvItem =
  | { readonly kind: 'row'; readonly line: number; readonly endLine: number; readonly cells: CsvCells }
  | {
      readonly kind: 'error';
      readonly line: number;
      readonly endLine: number;
      readonly code: CsvErrorCode;
      /** Header name of the column at fault, when one is. */
      readonly column: string | null;
      readonly reason: Reason;
    }
  /** Reading stopped: nothing from `line` on was read. Always the last item. */
  | { readonly kind: 'fatal'; readonly line: number; readonly reason: Reason };

export interface CsvHeader {
  readonly line: number;
  readonly endLine: number;
  /** Normalised and unique (`分销员`, `分销员#2`); the keys of every row's cells, in file order. */
  readonly names: readonly string[];
  /** How many of the expected names it holds. */
  readonly matched: number;
}

/** A non-blank line above the header, such as `订单报表` or a date range. */
export interface CsvBannerLine {
  readonly line: number;
  readonly endLine: number;
  readonly cells: readonly string[];
}

export type OpenCsvResult =
  | {
      readonly ok: true;
      readonly encoding: TextEncodingName;
      readonly encodingDecidedBy: DecodedText['decidedBy'];
      readonly header: CsvHeader;
      readonly banner: readonly CsvBannerLine[];
      readonly rows: AsyncGenerator<CsvItem, void, undefined>;
    }
  | {
      readonly ok: false;
      readonly code: 'undecodable' | 'empty' | 'no_header';
      readonly line: number | null;
      readonly reason: Reason;
    };

type Fatal = Extract<CsvItem, { kind: 'fatal' }>;

/** Decodes the start of the file and finds its header; the rows are then read as they are pulled. */
export async function openCsv(
  source: AsyncIterable<Uint8Array>,
  options: ReadCsvOptions = {},
): Promise<OpenCsvResult> {
  let decoded: DecodedText;
  try {
    decoded = await decodeText(source, options.encoding === undefined ? {} : { encoding: options.encoding });
  } catch (error) {
    if (error instanceof TextDecodeError) {
      return { ok: false, code: 'undecodable', line: error.line, reason: error.reason };
    }
    throw error;
  }
  const records = readRecords(decoded.text, new CsvTokenizer(options));
  const expected = new Set(
    [...(options.expectedHeaders ?? [])].map(normalizeHeaderName).filter((n) => n !== ''),
  );
  const minMatches = Math.min(options.minHeaderMatches ?? 3, expected.size);
  const searchLines = options.headerSearchLines ?? 20;
  const banner: CsvBannerLine[] = [];
  for (;;) {
    const next = await records.next();
    if (next.done || (!('kind' in next.value) && next.value.line > searchLines)) {
      await records.return();
      return banner.length === 0 && next.done
        ? {
            ok: false,
            code: 'empty',
            line: null,
            reason: reason('empty_file', 'The file has no rows.', '文件没有任何行。'),
          }
        : {
            ok: false,
            code: 'no_header',
            line: null,
            reason: noHeaderReason(expected, minMatches, searchLines),
          };
    }
    const record = next.value;
    if ('kind' in record) {
      await records.return();
      return { ok: false, code: 'undecodable', line: record.line, reason: record.reason };
    }
    if (record.problem === null && isBlank(record.fields)) {
      continue;
    }
    const matched = record.problem === null ? countHeaderMatches(record.fields, expected) : -1;
    if (matched >= minMatches) {
      const names = uniqueHeaderNames(record.fields);
      const header = { line: record.line, endLine: record.endLine, names, matched };
      return {
        ok: true,
        encoding: decoded.encoding,
        encodingDecidedBy: decoded.decidedBy,
        header,
        banner,
        rows: readRows(records, names),
      };
    }
    banner.push({ line: record.line, endLine: record.endLine, cells: record.fields });
  }
}

async function* readRecords(
  text: AsyncIterable<string>,
  tokenizer: CsvTokenizer,
): AsyncGenerator<CsvRecord | Fatal, void, undefined> {
  try {
    for await (const chunk of text) {
      yield* tokenizer.push(chunk);
    }
  } catch (error) {
    if (!(error instanceof TextDecodeError)) {
      throw error;
    }
    // The records completed before the bad byte were yielded above; the one it falls in is lost.
    yield { kind: 'fatal', line: tokenizer.pendingLine, reason: error.reason };
    return;
  }
  yield* tokenizer.end();
}

async function* readRows(
  records: AsyncGenerator<CsvRecord | Fatal, void, undefined>,
  names: readonly string[],
): AsyncGenerator<CsvItem, void, undefined> {
  for await (const record of records) {
    if ('kind' in record) {
      yield record;
      return;
    }
    if (record.problem !== null) {
      yield problemItem(record, record.problem, names);
    } else if (!isBlank(record.fields)) {
      yield toItem(record, names);
    }
  }
}

function toItem(record: CsvRecord, names: readonly string[]): CsvItem {
  const { line, endLine, fields } = record;
  for (let i = names.length; i < fields.length; i++) {
    if (fields[i]!.trim() !== '') {
      return {
        kind: 'error',
        line,
        endLine,
        code: 'cells_beyond_header',
        column: null,
        reason: reason(
          'cells_beyond_header',
          `The row has ${fields.length} cells but the header has ${names.length}, and cell ${i + 1} is not ` +
            'empty: a value probably holds an unquoted comma, so no cell of this row can be trusted.',
          `这一行有 ${fields.length} 个单元格，表头只有 ${names.length} 个，而第 ${i + 1} 个单元格不是空的：` +
            '可能某个值里有未加引号的逗号，所以这一行的单元格都不可信。',
        ),
      };
    }
  }
  // No prototype: a header cell named `__proto__` must be an ordinary key.
  const cells: Record<string, string | null> = Object.create(null);
  for (let i = 0; i < names.length; i++) {
    const field = fields[i];
    // A row shorter than the header (Youzan's ragged customer export, §0.14) leaves the rest empty.
    cells[names[i]!] = field === undefined ? null : cleanText(field);
  }
  return { kind: 'row', line, endLine, cells };
}

function problemItem(record: CsvRecord, problem: CsvProblem, names: readonly string[]): CsvItem {
  const columnName = (n: number) => names[n - 1] ?? `#${n}`;
  const base = { kind: 'error', line: record.line, endLine: record.endLine, code: problem.code } as const;
  switch (problem.code) {
    case 'unclosed_quote': {
      const column = columnName(problem.column);
      const many = record.endLine > problem.quoteLine;
      const lines = many ? `lines ${problem.quoteLine}–${record.endLine}` : 'the line';
      return {
        ...base,
        column,
        reason: reason(
          problem.code,
          `The quote that opens column "${column}" on line ${problem.quoteLine} is never closed, so ${lines} could not be read.`,
          `第 ${problem.quoteLine} 行“${column}”列开头的引号没有闭合，` +
            `所以${many ? `第 ${problem.quoteLine}–${record.endLine} 行` : '这一行'}无法读取。`,
        ),
      };
    }
    case 'text_after_quote': {
      const column = columnName(problem.column);
      return {
        ...base,
        column,
        reason: reason(
          problem.code,
          `Column "${column}" has text after its closing quote (a quote inside a quoted value must be doubled: "").`,
          `“${column}”列在闭合引号之后还有文字（加了引号的值里的引号必须写两遍：""）。`,
        ),
      };
    }
    case 'field_too_long': {
      const column = columnName(problem.column);
      return {
        ...base,
        column,
        reason: reason(
          problem.code,
          `Column "${column}" is longer than ${problem.limit} characters, which no export writes (is a quote left open?).`,
          `“${column}”列超过 ${problem.limit} 个字符，没有哪种导出会写这么长（是不是有引号没闭合？）。`,
        ),
      };
    }
    case 'record_too_long':
      return {
        ...base,
        column: null,
        reason: reason(
          problem.code,
          `The row is longer than ${problem.limit} characters.`,
          `这一行超过 ${problem.limit} 个字符。`,
        ),
      };
    case 'too_many_cells':
      return {
        ...base,
        column: null,
        reason: reason(
          problem.code,
          `The row has more than ${problem.limit} cells.`,
          `这一行超过 ${problem.limit} 个单元格。`,
        ),
      };
  }
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

function noHeaderReason(expected: ReadonlySet<string>, minMatches: number, searchLines: number): Reason {
  const examples = [...expected].slice(0, 8).join(', ');
  const more = expected.size > 8 ? ', …' : '';
  return reason(
    'no_header',
    `No header row in the first ${searchLines} lines: no line holds at least ${minMatches} of the expected ` +
      `column names (${examples}${more}). Is this the right kind of export?`,
    `前 ${searchLines} 行里没有表头：没有哪一行包含至少 ${minMatches} 个预期的列名（${examples}${more}）。` +
      '是不是导出的文件类型不对？',
  );
}
