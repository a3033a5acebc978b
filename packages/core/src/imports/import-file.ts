import type { Db } from '../db/create-db.ts';
import type { ImportSummary, OrderItem, ReasonCount } from '../db/database.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { type FieldError, prepareEvent } from '../events/prepare-event.ts';
import { upkeepAfterCommit } from '../scoring/maintain-aggregates.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { attachOrderItems } from './attach-order-items.ts';
import { createGenericFormat, parseMapping } from './formats/generic-csv.ts';
import type { ImportFormat, MapOutcome } from './formats/import-format.ts';
import { detectFormat, FORMATS, findFormat } from './formats/index.ts';
import { type Reason, reason } from './import-reason.ts';
import {
  countPendingItems,
  countProfiles,
  insertImport,
  insertProblems,
  type ProblemRow,
  updateImport,
  upsertPendingItems,
} from './imports.queries.ts';
import { openCsv } from './read-csv.ts';
import { openXlsx } from './read-xlsx.ts';
import { OLD_EXCEL_REASON, sniffFileKind } from './sniff-file-kind.ts';

export type ImportInput = Readonly<{
  fileName: string;
  fileBytes: number;
  /** The file's bytes, read once, streaming. */
  source: AsyncIterable<Uint8Array>;
  /** A format id to skip detection (`--format`). */
  format?: string | undefined;
  /** A generic mapping (parsed JSON, see formats/GENERIC-MAPPING.md) for files of no known format. */
  mapping?: unknown;
  /** Report only: rows are read, mapped and validated; nothing is sent. */
  dryRun?: boolean | undefined;
  actor: string;
  /** Called with the import's id as soon as it exists, before the file is read. */
  onStart?: ((id: number) => void) | undefined;
}>;

export type ImportProgress = (progress: { bytesRead: number; fileBytes: number; rowsRead: number }) => void;

export type ImportResult = {
  id: number;
  status: 'done' | 'failed';
  format: string | null;
  summary: ImportSummary;
  failure: Reason | null;
};

const BATCH = 1000;
const PROBLEM_CHUNK = 500;
/**
 * The aggregates, tags and scores of the customers an import touched are refreshed once per this
 * many batches (and when it ends) rather than after each: the upkeep's statements cost the same
 * for one batch's customers as for twenty's, and a buyer in several batches is refreshed once
 * (200,000 Taobao rows into PostgreSQL: 4,011 → 4,905 rows/s). The upkeep runs while the next
 * batches store, so profiles lag the import by about twice this many batches at most; a live
 * event's own upkeep takes the import's queue along with its own.
 */
const UPKEEP_EVERY = 20;
/** How often a running import writes its progress (and heartbeat) to its row. */
const REPORT_EVERY_MS = 1000;
/** Reasons are counted for the summary; past this many distinct ones the rest count as `other`. */
const MAX_REASONS = 50;
/** Orders whose items could not be attached, listed in the summary; the rest are only counted. */
const MAX_ITEM_PROBLEMS = 50;

/**
 * Imports one shop export: streams it through the reader, detects its format from the header,
 * maps rows to events and sends them through the same ingestion as the API, in batches. Every
 * line ends up imported, rejected (with column and reason) or skipped (with reason); problems are
 * stored as the import's report. Events have deterministic ids, so importing a file again changes
 * nothing. The import row is created first, so its progress can be watched while it runs.
 */
export async function importFile(
  db: Db,
  workspace: Workspace,
  input: ImportInput,
  onProgress: ImportProgress = () => {},
): Promise<ImportResult> {
  const chosen = chooseFormat(input);
  const dryRun = input.dryRun ?? false;
  const { id } = await insertImport(db, {
    workspaceId: workspace.id,
    fileName: input.fileName,
    fileBytes: input.fileBytes,
    dryRun,
    actor: input.actor,
  });
  input.onStart?.(id);
  const run = new ImportRun(db, workspace, id, dryRun);
  try {
    const counted = countBytes(input.source);
    const { kind, chunks } = await sniff(counted.chunks);
    const options = { expectedHeaders: chosen ? chosen.headers : FORMATS.flatMap((f) => f.headers) };
    if (kind === 'xls') {
      return await run.fail(inFile(input.fileName, null, OLD_EXCEL_REASON));
    }
    // Any zip goes to the workbook reader: its central directory tells a workbook from a bundle.
    const opened = kind === 'text' ? await openCsv(chunks, options) : await openXlsx(chunks, options);
    if (!opened.ok) {
      const why = opened.code === 'no_header' ? withKnownFormats(opened.reason) : opened.reason;
      return await run.fail(inFile(input.fileName, null, why));
    }
    const format = chosen ?? detectFormat(opened.header.names)?.format;
    if (format === undefined) {
      const { line } = opened.header;
      return await run.fail(
        inFile(
          input.fileName,
          null,
          withKnownFormats(
            reason(
              'unknown_format',
              `the header on line ${line} matches no known export.`,
              `第 ${line} 行的表头不属于任何已知的导出格式。`,
            ),
          ),
        ),
      );
    }
    await updateImport(db, workspace.id, id, { format: format.id, encoding: opened.encoding });
    const before = await countProfiles(db, workspace.id);
    const mapper = format.createMapper({ timeZone: workspace.timeZone, fileName: input.fileName });
    let rowsRead = 0;
    let lastReport = Date.now();
    for await (const item of opened.rows) {
      if (item.kind === 'fatal') {
        await run.flush();
        return await run.fail(inFile(input.fileName, item.line, item.reason), format);
      }
      rowsRead += 1;
      run.summary.rows_read = rowsRead;
      if (item.kind === 'error') {
        run.problem({ line: item.line, kind: 'rejected', column: item.column, reason: item.reason });
      } else {
        await run.take(mapper.push({ line: item.line, cells: item.cells }));
      }
      if (run.pending.length >= BATCH) {
        // One batch is stored while the next is read and mapped: the reader never waits on the
        // database for more than one batch, and memory holds at most two.
        await run.sendInBackground();
        onProgress({ bytesRead: counted.bytes(), fileBytes: input.fileBytes, rowsRead });
        if (Date.now() - lastReport >= REPORT_EVERY_MS) {
          lastReport = Date.now();
          await updateImport(db, workspace.id, id, { bytesRead: counted.bytes(), summary: run.summarise() });
        }
      }
    }
    await run.take(mapper.finish());
    await run.flush();
    await run.attachItems();
    const after = await countProfiles(db, workspace.id);
    run.summary.customers_before = before.customers;
    run.summary.customers_after = after.customers;
    run.summary.merges = after.merges - before.merges;
    onProgress({ bytesRead: counted.bytes(), fileBytes: input.fileBytes, rowsRead });
    await updateImport(db, workspace.id, id, {
      bytesRead: counted.bytes(),
      summary: run.summarise(),
      status: 'done',
    });
    return { id, status: 'done', format: format.id, summary: run.summary, failure: null };
  } catch (error) {
    // The report keeps what was learned; the error itself is a bug and goes up.
    await run
      .fail(
        inFile(
          input.fileName,
          null,
          reason('internal_error', 'internal error during the import', '导入时发生内部错误'),
        ),
      )
      .catch(() => undefined);
    throw error;
  }
}

/** The running tallies of one import: pending events with the lines they came from, and problems. */
class ImportRun {
  readonly summary: ImportSummary = {
    rows_read: 0,
    rows_imported: 0,
    rows_rejected: 0,
    rows_skipped: 0,
    events: {},
    orders: 0,
    reasons: [],
  };
  /** The summary's reason counts by kind, code and column. */
  readonly #reasonCounts = new Map<string, ReasonCount>();
  pending: { event: EventInput; lines: readonly number[] }[] = [];
  /** Items of an item file, written to pending_order_items a batch at a time. */
  #items: Extract<MapOutcome, { kind: 'items' }>[] = [];
  /** Sources whose orders or items this import brought: their waiting items are attached at the end. */
  readonly #itemSources = new Set<string>();
  readonly #problems: ProblemRow[] = [];
  readonly #db: Db;
  readonly #workspace: Workspace;
  readonly #id: number;
  readonly #dryRun: boolean;

  constructor(db: Db, workspace: Workspace, id: number, dryRun: boolean) {
    this.#db = db;
    this.#workspace = workspace;
    this.#id = id;
    this.#dryRun = dryRun;
  }

  async take(outcomes: readonly MapOutcome[]): Promise<void> {
    for (const outcome of outcomes) {
      if (outcome.kind === 'events') {
        for (const event of outcome.events) {
          this.pending.push({ event, lines: outcome.lines });
        }
        this.summary.rows_imported! += outcome.lines.length;
      } else if (outcome.kind === 'items') {
        this.#itemSources.add(outcome.source);
        this.summary.rows_imported! += outcome.lines.length;
        if (!this.#dryRun) {
          this.#items.push(outcome);
        }
      } else {
        this.problem({
          line: outcome.line,
          kind: outcome.kind,
          column: outcome.kind === 'rejected' ? outcome.column : null,
          reason: outcome.reason,
        });
      }
    }
    if (this.#items.length >= BATCH) {
      await this.#storeItems();
    }
    if (this.#problems.length >= PROBLEM_CHUNK) {
      await insertProblems(this.#db, this.#workspace.id, this.#id, this.#problems.splice(0));
    }
  }

  problem(problem: ProblemRow): void {
    this.#problems.push(problem);
    const rejected = problem.kind === 'rejected';
    if (rejected) {
      this.summary.rows_rejected! += 1;
    } else {
      this.summary.rows_skipped! += 1;
    }
    let key = `${problem.kind}\u0000${problem.reason.code}\u0000${problem.column ?? ''}`;
    let counted = this.#reasonCounts.get(key);
    if (!counted && this.#reasonCounts.size >= MAX_REASONS) {
      key = `${problem.kind}\u0000other`;
      counted = this.#reasonCounts.get(key);
    }
    if (counted) {
      counted.count += 1;
    } else {
      const other = this.#reasonCounts.size >= MAX_REASONS;
      const entry: ReasonCount = {
        kind: problem.kind,
        code: other ? 'other' : problem.reason.code,
        column: other ? null : problem.column,
        count: 1,
        example: other ? OTHER_REASONS : { en: problem.reason.en, zh: problem.reason.zh },
      };
      this.#reasonCounts.set(key, entry);
      this.summary.reasons!.push(entry);
    }
  }

  /** The summary as it is stored: reason counts largest first. */
  summarise(): ImportSummary {
    this.summary.reasons!.sort((a, b) => b.count - a.count);
    return this.summary;
  }

  /** Sends (or, in a dry run, validates) the pending events, at most one batch. */
  async send(): Promise<void> {
    const batch = this.pending.splice(0, BATCH);
    if (batch.length === 0) {
      return;
    }
    const now = new Date();
    const outcomes = this.#dryRun
      ? batch.map(({ event }, index) => {
          const r = prepareEvent(event, index, this.#workspace.keys.hmacKey, now);
          return r.ok ? { status: 'valid' as const } : { status: 'rejected' as const, errors: r.errors };
        })
      : await ingestEvents(
          this.#db,
          this.#workspace,
          batch.map((b) => b.event),
          { now, queueUpkeepOnly: true },
        );
    if (!this.#dryRun && ++this.#sent % UPKEEP_EVERY === 0) {
      // On a connection of its own while the next batches store (the upkeep's lock is not theirs);
      // one at a time. upkeepAfterCommit logs a failure rather than throwing it.
      await this.#upkeep;
      this.#upkeep = upkeepAfterCommit(this.#db, this.#workspace, now);
    }
    const events = this.summary.events!;
    outcomes.forEach((outcome, n) => {
      events[outcome.status] = (events[outcome.status] ?? 0) + 1;
      const { event, lines } = batch[n]!;
      if (event.kind === 'order.paid' && outcome.status !== 'rejected') {
        this.summary.orders! += 1;
        this.#itemSources.add(event.source ?? 'api');
      }
      if (outcome.status === 'rejected' || outcome.status === 'conflict') {
        const why =
          outcome.status === 'rejected'
            ? invalidEvent(event.id, outcome.errors)
            : eventConflict(event.id, outcome.message);
        this.summary.rows_imported! -= lines.length;
        for (const line of lines) {
          this.problem({ line, kind: 'rejected', column: null, reason: why });
        }
      }
    });
  }

  #inFlight: Promise<void> = Promise.resolve();
  /** Batches stored, to run the upkeep every UPKEEP_EVERY of them. */
  #sent = 0;
  /** The upkeep running behind the batches, if any. */
  #upkeep: Promise<void> = Promise.resolve();

  /** Waits for the batch being stored, then starts storing the next one without waiting for it. */
  async sendInBackground(): Promise<void> {
    await this.#inFlight;
    const sending = this.send();
    // A failure surfaces at the next wait (here or in flush); until then it must not go unhandled.
    sending.catch(() => undefined);
    this.#inFlight = sending;
  }

  /** Sends everything pending and stores the remaining problems. */
  async flush(): Promise<void> {
    await this.#inFlight;
    while (this.pending.length > 0) {
      await this.send();
    }
    await this.#storeItems();
    await insertProblems(this.#db, this.#workspace.id, this.#id, this.#problems.splice(0));
    if (!this.#dryRun) {
      await this.#upkeep;
      await upkeepAfterCommit(this.#db, this.#workspace, new Date());
    }
  }

  /** One upsert per order: a statement may not touch a row twice, and an order's rows may be split. */
  async #storeItems(): Promise<void> {
    const byOrder = new Map<string, { source: string; orderId: string; items: OrderItem[] }>();
    for (const { source, orderId, items } of this.#items.splice(0)) {
      const key = `${source}\u0000${orderId}`;
      const entry = byOrder.get(key) ?? { source, orderId, items: [] };
      entry.items.push(...items);
      byOrder.set(key, entry);
    }
    await upsertPendingItems(this.#db, this.#workspace.id, this.#id, [...byOrder.values()]);
  }

  /**
   * Turns waiting items whose order is now stored into order.items events — after an item file
   * (orders imported before) and after an order file (items imported before) alike, so the two
   * files may come in either order. A dry run stores nothing, so there is nothing to attach.
   */
  async attachItems(): Promise<void> {
    if (this.#dryRun) {
      return;
    }
    for (const source of this.#itemSources) {
      const { attached, problems } = await attachOrderItems(this.#db, this.#workspace, source);
      const waiting = await countPendingItems(this.#db, this.#workspace.id, source);
      if (attached + problems.length + waiting === 0) {
        continue;
      }
      this.summary.order_items_attached = (this.summary.order_items_attached ?? 0) + attached;
      this.summary.order_items_waiting = (this.summary.order_items_waiting ?? 0) + waiting;
      const kept = this.summary.order_items_problems ?? [];
      for (const problem of problems.slice(0, Math.max(0, MAX_ITEM_PROBLEMS - kept.length))) {
        const { code, en, zh } = problem.reason;
        kept.push({ order_id: problem.orderId, code, reason: en, reason_zh: zh });
      }
      if (problems.length > 0) {
        this.summary.order_items_problems = kept;
      }
    }
  }

  async fail(failure: Reason, format?: ImportFormat): Promise<ImportResult> {
    await this.#inFlight.catch(() => undefined);
    await insertProblems(this.#db, this.#workspace.id, this.#id, this.#problems.splice(0));
    await updateImport(this.#db, this.#workspace.id, this.#id, {
      status: 'failed',
      failure,
      summary: this.summarise(),
    });
    return { id: this.#id, status: 'failed', format: format?.id ?? null, summary: this.summary, failure };
  }
}

const OTHER_REASONS = {
  en: `Other reasons, past the first ${MAX_REASONS} counted apart: see the lines of the report.`,
  zh: `其他原因（超出分别统计的前 ${MAX_REASONS} 种）：请看报告中的各行。`,
};

/** The format the caller chose (by id or by a mapping), or null to detect it from the header. */
function chooseFormat(input: ImportInput): ImportFormat | null {
  if (input.mapping !== undefined) {
    if (input.format !== undefined) {
      throw new AppError('invalid_request', 'give either a format or a mapping, not both');
    }
    const parsed = parseMapping(input.mapping);
    if (!parsed.ok) {
      throw new AppError(
        'invalid_request',
        `the mapping is not valid: ${parsed.issues.join('; ')}`,
        parsed.issues,
      );
    }
    return createGenericFormat(parsed.mapping);
  }
  if (input.format === undefined) {
    return null;
  }
  const format = findFormat(input.format);
  if (format === null) {
    throw new AppError('invalid_request', `unknown format ${input.format}; known formats: ${knownFormats()}`);
  }
  return format;
}

function knownFormats(): string {
  return FORMATS.map((f) => `${f.id} (${f.label})`).join(', ');
}

/** A reason that stopped the whole file, said of the file (and the line, when one is at fault). */
function inFile(fileName: string, line: number | null, why: Reason): Reason {
  return reason(
    why.code,
    `${fileName}${line === null ? '' : `, line ${line}`}: ${why.en}`,
    `${fileName}${line === null ? '' : ` 第 ${line} 行`}：${why.zh}`,
  );
}

function withKnownFormats(why: Reason): Reason {
  const known = knownFormats();
  return reason(
    why.code,
    `${why.en} Known formats: ${known}; choose one with --format.`,
    `${why.zh}已知格式：${known}；导入时可指定格式（命令行用 --format）。`,
  );
}

/** A row whose events ingestion refused: the schema's words name the field, in English only. */
function invalidEvent(id: string, errors: readonly FieldError[]): Reason {
  const detail = errors.map((e) => `${e.path} ${e.message}`).join('; ');
  return reason('invalid_event', `event ${id} rejected: ${detail}`, `事件 ${id} 未通过校验：${detail}`);
}

function eventConflict(id: string, message: string): Reason {
  return reason('event_conflict', message, `事件 ${id} 之前以不同的内容导入过，本次没有改动任何数据`);
}

const SNIFF_BYTES = 512;

/** Looks at the first bytes to tell a workbook from text, and hands back the whole stream. */
async function sniff(source: AsyncIterable<Uint8Array>) {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES && !done) {
    const next = await iterator.next();
    done = next.done === true;
    if (!next.done) {
      head.push(next.value);
      size += next.value.byteLength;
    }
  }
  async function* chunks() {
    yield* head;
    for (
      let next = done ? null : await iterator.next();
      next !== null && !next.done;
      next = await iterator.next()
    ) {
      yield next.value;
    }
  }
  return { kind: sniffFileKind(Buffer.concat(head)), chunks: chunks() };
}

function countBytes(source: AsyncIterable<Uint8Array>) {
  let read = 0;
  async function* chunks() {
    for await (const chunk of source) {
      read += chunk.byteLength;
      yield chunk;
    }
  }
  return { chunks: chunks(), bytes: () => read };
}
