import type { OrderItem } from '../../db/database.ts';
import type { EventInput } from '../../events/event.schema.ts';
import type { Reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';

/**
 * What one export format knows: how to recognise its header and how to turn its rows into
 * events. Mapping is pure (no I/O); the import use case streams rows in and sends the events
 * through the same ingestion as the API, so a row's events carry deterministic ids and importing
 * the same file twice — or an overlapping later export — changes nothing.
 */
export type ImportFormat = Readonly<{
  /** Stable id, used by `--format` and stored with the import: `taobao_orders`, `jd_orders`, … */
  id: string;
  /** What operators call the file, in Chinese: 淘宝/天猫订单报表. */
  label: string;
  /** Header names (after normalisation) that identify the format; most must be present to detect it. */
  headers: readonly string[];
  /** How many of `headers` must be present for the format to be detected. */
  minMatches: number;
  createMapper(context: MapperContext): RowMapper;
}>;

export type MapperContext = Readonly<{
  /** The workspace's business time zone: exports write local times without an offset. */
  timeZone: string;
  /** The uploaded file's name, for messages. */
  fileName: string;
}>;

/** A row as the readers give it: its 1-based line (or sheet row) and its cells by header name. */
export type SourceRow = Readonly<{ line: number; cells: CsvCells }>;

export type MapOutcome =
  /** Events made from one or more rows (the rows of one order are gathered). */
  | { kind: 'events'; lines: readonly number[]; events: readonly EventInput[] }
  /**
   * Line items of an order from a file that names no buyer (Taobao's ExportOrderDetailList): the
   * import holds them until the order's order.paid is stored and then sends them as order.items.
   */
  | { kind: 'items'; lines: readonly number[]; source: string; orderId: string; items: readonly OrderItem[] }
  /** A row that cannot be imported, with the column and a reason a person can act on. */
  | { kind: 'rejected'; line: number; column: string | null; reason: Reason }
  /** A row deliberately not imported (e.g. an unpaid, closed order), counted by reason in the summary. */
  | { kind: 'skipped'; line: number; reason: Reason };

/**
 * Stateful per file: formats with one row per line item gather the rows of an order while they
 * are adjacent (as every known export writes them) and emit the order when the next one starts.
 */
export type RowMapper = Readonly<{
  push(row: SourceRow): MapOutcome[];
  finish(): MapOutcome[];
}>;
