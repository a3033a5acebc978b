/**
 * Splits CSV text into records, fed chunk by chunk, remembering the physical line each record
 * starts and ends on. RFC 4180 (quotes, doubled quotes, line breaks inside quotes) with CRLF, LF
 * and lone CR line ends, plus what shop exports need:
 *
 * - A quote inside an unquoted cell is literal: Taobao writes order ids as `="123…"` unquoted.
 * - A bad record is reported, never thrown, and reading goes on with the next record: text after a
 *   closing quote, a quote never closed, a cell over `maxFieldChars`, a record over
 *   `maxRecordChars` or `maxCells`. Cells past a limit are dropped as they arrive, so memory stays
 *   bounded by the limits whatever the input (an unclosed quote cannot swallow the file into RAM).
 *
 * Why not csv-parse (tried, 7.0.3): with `skip_records_with_error` a `max_record_size` error
 * silently drops every record after it; its `info.lines` is the line a record ends on, and it
 * miscounts a CRLF after a quoted cell in an LF file; `relax_quotes`, needed for `="…"`, then keeps
 * the quotes of such a cell as text. Those are exactly the cases this reader exists for.
 */

export interface CsvTokenizerLimits {
  /** Longest cell, in UTF-16 code units (default 1 MiB). */
  readonly maxFieldChars?: number;
  /** Longest record, all cells together (default 4 MiB). */
  readonly maxRecordChars?: number;
  /** Most cells in one record (default 10,000; shop exports have at most ~70 columns). */
  readonly maxCells?: number;
}

export type CsvProblem =
  | { readonly code: 'unclosed_quote'; readonly column: number; readonly quoteLine: number }
  | { readonly code: 'text_after_quote'; readonly column: number }
  | { readonly code: 'field_too_long'; readonly column: number; readonly limit: number }
  | { readonly code: 'record_too_long'; readonly limit: number }
  | { readonly code: 'too_many_cells'; readonly limit: number };

/** One record. `fields` is empty when there is a problem: such a record is only reported. */
export interface CsvRecord {
  readonly line: number;
  readonly endLine: number;
  readonly fields: readonly string[];
  readonly problem: CsvProblem | null;
}

export const DEFAULT_MAX_FIELD_CHARS = 1024 * 1024;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

// Where the scanner is inside the current cell.
const START = 0; // nothing read yet
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // just read a quote inside a quoted cell: an escaped quote or the end
const AFTER_QUOTED = 4; // the quoted cell has closed; only a comma or a line end may follow

export class CsvTokenizer {
  readonly #maxField: number;
  readonly #maxRecord: number;
  readonly #maxCells: number;

  #line = 1;
  #lastWasCR = false;
  #endsWithLF = false;
  #inRecord = false;
  #recordLine = 0;
  #fields: string[] = [];
  /** Cells completed in this record, kept or not: the current cell is column #cells + 1. */
  #cells = 0;
  #recordChars = 0;
  #problem: CsvProblem | null = null;
  #mode = START;
  #field = '';
  #fieldOverflow = false;
  #quoteLine = 0;
  #quoteColumn = 0;

  constructor(limits: CsvTokenizerLimits = {}) {
    this.#maxField = limits.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
    this.#maxRecord = limits.maxRecordChars ?? 4 * this.#maxField;
    this.#maxCells = limits.maxCells ?? 10_000;
  }

  /** The line the unfinished record started on, or the next line to read: where reading stands. */
  get pendingLine(): number {
    return this.#inRecord ? this.#recordLine : this.#line + (this.#lastWasCR ? 1 : 0);
  }

  /** Records completed by this chunk. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const n = text.length;
    let segment = 0; // start of the cell text not yet copied into #field
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.#lastWasCR) {
        // CR LF is one line end, counted at the LF; a lone CR counts here.
        this.#lastWasCR = false;
        if (c !== LF) {
          this.#line++;
        } else if (!this.#inRecord) {
          // The LF of a CR LF that ended a record (inside quotes, the LF is cell text).
          this.#line++;
          continue;
        }
      }
      if (!this.#inRecord) {
        this.#inRecord = true;
        this.#recordLine = this.#line;
      }
      switch (this.#mode) {
        case START:
          if (c === QUOTE) {
            this.#mode = QUOTED;
            this.#quoteLine = this.#line;
            this.#quoteColumn = this.#cells + 1;
            segment = i + 1;
          } else if (c === COMMA) {
            this.#endField();
          } else if (c === LF || c === CR) {
            this.#endLine(c, out);
          } else {
            this.#mode = UNQUOTED;
            segment = i;
          }
          break;
        case UNQUOTED:
          if (c === COMMA) {
            this.#append(text, segment, i);
            this.#endField();
          } else if (c === LF || c === CR) {
            this.#append(text, segment, i);
            this.#endLine(c, out);
          }
          break;
        case QUOTED:
          if (c === QUOTE) {
            this.#append(text, segment, i);
            this.#mode = QUOTE_IN_QUOTED;
          } else if (c === LF) {
            this.#line++;
          } else if (c === CR) {
            this.#lastWasCR = true;
          }
          break;
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            this.#mode = QUOTED;
            segment = i; // the second quote of the pair is the cell's text
          } else {
            this.#mode = AFTER_QUOTED;
            i--; // read this character again as the one after the cell
          }
          break;
        case AFTER_QUOTED:
          if (c === COMMA) {
            this.#endField();
          } else if (c === LF || c === CR) {
            this.#endLine(c, out);
          } else {
            // `"abc"def`: report the record, keep reading the rest of the cell as plain text.
            this.#problem ??= { code: 'text_after_quote', column: this.#cells + 1 };
            this.#mode = UNQUOTED;
            segment = i;
          }
          break;
      }
    }
    if (this.#mode === UNQUOTED || this.#mode === QUOTED) {
      this.#append(text, segment, n);
    }
    if (n > 0) {
      this.#endsWithLF = text.charCodeAt(n - 1) === LF;
    }
    return out;
  }

  /** The last record, if the text did not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    let endLine = this.#line;
    if (this.#mode === QUOTED) {
      // The root cause, even if the runaway cell has also grown past the length limit.
      this.#problem = { code: 'unclosed_quote', column: this.#quoteColumn, quoteLine: this.#quoteLine };
      // A final LF inside the open quote ends the last line; it does not start one.
      if (this.#endsWithLF) {
        endLine--;
      }
    }
    if (this.#inRecord) {
      this.#endField();
      this.#emit(endLine, out);
    }
    return out;
  }

  #append(text: string, from: number, to: number): void {
    if (to <= from || this.#fieldOverflow) {
      return;
    }
    if (this.#field.length + (to - from) > this.#maxField) {
      this.#fieldOverflow = true;
      this.#field = '';
      this.#problem ??= { code: 'field_too_long', column: this.#cells + 1, limit: this.#maxField };
      return;
    }
    this.#field += text.slice(from, to);
  }

  #endField(): void {
    if (this.#problem === null) {
      this.#recordChars += this.#field.length;
      if (this.#cells >= this.#maxCells) {
        this.#problem = { code: 'too_many_cells', limit: this.#maxCells };
      } else if (this.#recordChars > this.#maxRecord) {
        this.#problem = { code: 'record_too_long', limit: this.#maxRecord };
      }
    }
    // A record with a problem is only reported, so its cells need not be kept.
    if (this.#problem === null) {
      this.#fields.push(this.#field);
    } else if (this.#fields.length > 0) {
      this.#fields = [];
    }
    this.#cells++;
    this.#field = '';
    this.#fieldOverflow = false;
    this.#mode = START;
  }

  #endLine(c: number, out: CsvRecord[]): void {
    this.#endField();
    this.#emit(this.#line, out);
    if (c === LF) {
      this.#line++;
    } else {
      this.#lastWasCR = true;
    }
  }

  #emit(endLine: number, out: CsvRecord[]): void {
    const problem = this.#problem;
    out.push({ line: this.#recordLine, endLine, fields: problem === null ? this.#fields : [], problem });
    this.#fields = [];
    this.#cells = 0;
    this.#recordChars = 0;
    this.#problem = null;
    this.#inRecord = false;
  }
}
