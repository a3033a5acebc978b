import type { EventInput } from '../../events/event.schema.ts';
import type { IdentityInput } from '../../identities/identity.schema.ts';
import { normaliseIdentity } from '../../identities/normalise-identity.ts';
import { parseAmountFen, parseId, parseTimestamp } from '../clean-cell.ts';
import { type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import type { ImportFormat, MapOutcome } from './import-format.ts';

/**
 * What the format mappers share: reading a column that has several names across export versions,
 * typed cells that explain themselves when they are bad, phones as the formats README §0.8 says,
 * and the outcomes.
 */

/**
 * A format as this folder defines it: `requires` lists columns without which the file cannot be
 * this format (each entry: the names one column goes by). Detection checks it on top of
 * `minMatches`, so that, say, Tmall's item report (主订单编号 but no 订单编号) is not taken for the
 * order report although it shares many of its names.
 */
export type FormatDefinition = ImportFormat & Readonly<{ requires: readonly (readonly string[])[] }>;

/** A typed cell: its value (null when empty or the column is absent), or which column is bad and why. */
export type Read<T> = { ok: true; value: T } | { ok: false; column: string; reason: Reason };

/** The first of `names` the file has, and its cleaned value (null when empty). */
export function column(
  cells: CsvCells,
  names: readonly string[],
): { name: string | null; value: string | null } {
  for (const name of names) {
    if (name in cells) {
      return { name, value: cells[name] ?? null };
    }
  }
  return { name: null, value: null };
}

/** Whether the file has one of `names`. */
export function hasColumn(cells: CsvCells, names: readonly string[]): boolean {
  return names.some((name) => name in cells);
}

export function readId(cells: CsvCells, names: readonly string[]): Read<string | null> {
  const { name, value } = column(cells, names);
  const id = parseId(value);
  if (!id.ok) {
    return { ok: false, column: name ?? names[0]!, reason: id.reason };
  }
  if (id.value !== null && id.value.length > 100) {
    return {
      ok: false,
      column: name ?? names[0]!,
      reason: reason(
        'id_too_long',
        `"${id.value.slice(0, 20)}…" is too long to be an id`,
        `“${id.value.slice(0, 20)}…”太长，不可能是编号`,
      ),
    };
  }
  return { ok: true, value: id.value };
}

/** An amount in fen; negative amounts are refused (no export writes a negative payment or refund). */
export function readFen(cells: CsvCells, names: readonly string[]): Read<number | null> {
  const { name, value } = column(cells, names);
  const fen = parseAmountFen(value);
  if (!fen.ok) {
    return { ok: false, column: name ?? names[0]!, reason: fen.reason };
  }
  if (fen.value !== null && fen.value < 0) {
    return {
      ok: false,
      column: name ?? names[0]!,
      reason: reason('negative_amount', `"${value}" is negative`, `“${value}”是负数`),
    };
  }
  return { ok: true, value: fen.value };
}

export function readTime(cells: CsvCells, names: readonly string[], timeZone: string): Read<string | null> {
  const { name, value } = column(cells, names);
  const at = parseTimestamp(value, timeZone);
  return at.ok ? { ok: true, value: at.value } : { ok: false, column: name ?? names[0]!, reason: at.reason };
}

/** A whole number of pieces, at least 1; null when empty. */
export function readQuantity(cells: CsvCells, names: readonly string[]): Read<number | null> {
  const { name, value } = column(cells, names);
  if (value === null) {
    return { ok: true, value: null };
  }
  const text = value.normalize('NFKC').replace(/\.0+$/, '');
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= 100000)) {
    return {
      ok: false,
      column: name ?? names[0]!,
      reason: reason(
        'not_a_quantity',
        `"${value}" is not a quantity (a whole number from 1)`,
        `“${value}”不是数量（应为不小于 1 的整数）`,
      ),
    };
  }
  return { ok: true, value: n };
}

/**
 * A phone identity from a cell, or null. A masked phone (`138****1234`, `1******6198`) is kept as
 * written: ingestion stores it for display and never matches on it. A value that is neither masked
 * nor a mainland mobile (a landline, a typo) is dropped: it identifies nobody.
 */
export function phoneIdentity(value: string | null): IdentityInput | null {
  if (value === null) {
    return null;
  }
  if (value.includes('*')) {
    return /\d/.test(value) ? { kind: 'phone', value } : null;
  }
  const normalised = normaliseIdentity({ kind: 'phone', value });
  return normalised.ok ? { kind: 'phone', value: normalised.identity.value } : null;
}

/** Status text as compared: NFKC (full-width comma → `,`), no spaces. */
export function statusKey(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '');
}

export function statusSet(values: readonly string[]): ReadonlySet<string> {
  return new Set(values.map(statusKey));
}

export function rejected(line: number, column: string | null, why: Reason): MapOutcome {
  return { kind: 'rejected', line, column, reason: why };
}

export function skipped(line: number, why: Reason): MapOutcome {
  return { kind: 'skipped', line, reason: why };
}

export function events(lines: readonly number[], list: readonly EventInput[]): MapOutcome {
  return { kind: 'events', lines, events: list };
}
