import { createHash } from 'node:crypto';
import { parseTimestamp } from '../clean-cell.ts';
import { type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import { column, type Read } from './map-row.ts';

/**
 * What the community formats share (WeCom group members, WeChat chat exports): a community id
 * derived from a group's name or the file's name, and a time cell that is either Unix seconds
 * (the WeCom API's `join_time`, WeChatMsg's `CreateTime`) or a local date-time.
 */

const MAX_ID = 128;

/** A short stable digest of some parts, for ids. */
export function digest(parts: readonly string[], length = 32): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, length);
}

/**
 * The community id of a group known only by its name (a group-name column, or the file name):
 * `group-<24 hex of sha256(name)>`. The name is compared after NFKC, trimming and collapsing
 * spaces, so `宝妈群（1）` and `宝妈群(1)` are one group. Both community formats use this, so the
 * member list and the chat export of the same group name land in the same community.
 */
export function communityIdFromName(name: string): string {
  const key = name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  return `group-${digest([key], 24)}`;
}

/** `prefix` + `value` when it fits an id, otherwise `prefix` + a digest of it. */
export function prefixedId(prefix: string, value: string): string {
  return prefix.length + value.length <= MAX_ID ? `${prefix}${value}` : `${prefix}${digest([value])}`;
}

/**
 * A file's name without folders and extension, and without what export tools append:
 * WeChatMsg's `_utf8`, PyWxDump's page range `_<start>_<end>`, a browser's ` (1)`.
 */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base
    .replace(/\.(csv|xlsx|txt)$/i, '')
    .replace(/\s*[(（]\d+[)）]$/, '')
    .replace(/_utf8$/i, '')
    .replace(/_\d+_\d+$/, '')
    .trim();
}

// What Excel leaves of a long number (§0.7): `1.69189E+09`.
const SCIENTIFIC = /^[-+]?\d+(?:\.\d+)?[eE][-+]?\d+$/;

/**
 * A time cell as ISO 8601 with the zone's offset: Unix seconds (10 digits) or milliseconds
 * (13 digits), or a local date-time as `parseTimestamp` reads it. Null when empty.
 */
export function readInstant(
  cells: CsvCells,
  names: readonly string[],
  timeZone: string,
): Read<string | null> {
  const { name, value } = column(cells, names);
  const at = parseInstant(value, timeZone);
  return at.ok ? { ok: true, value: at.value } : { ok: false, column: name ?? names[0]!, reason: at.reason };
}

export function parseInstant(
  value: string | null,
  timeZone: string,
): { ok: true; value: string | null } | { ok: false; reason: Reason } {
  if (value === null) {
    return { ok: true, value: null };
  }
  const text = value.normalize('NFKC').trim();
  if (SCIENTIFIC.test(text)) {
    return {
      ok: false,
      reason: reason(
        'time_rounded_by_excel',
        `The time "${text}" was rounded by Excel (the file was opened and saved in Excel, which shows long ` +
          'numbers in scientific notation). Export the file again and upload it without saving it in Excel.',
        `时间“${text}”已被 Excel 改写（文件在 Excel 中打开并保存过，Excel 以科学计数法显示长数字）。` +
          '请重新导出，不经 Excel 保存直接上传。',
      ),
    };
  }
  if (/^\d{10}$/.test(text) || /^\d{13}$/.test(text)) {
    const ms = text.length === 10 ? Number(text) * 1000 : Number(text);
    return { ok: true, value: instantToIso(ms, timeZone) };
  }
  return parseTimestamp(text, timeZone);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as ISO 8601 in the zone's local time with its offset then: `2023-08-12T23:22:41+08:00`. */
export function instantToIso(ms: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(whole))) {
    parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const offset = Math.round((wall - whole) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}
