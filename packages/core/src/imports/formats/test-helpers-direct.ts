/**
 * Test helpers for a format given directly (not through FORMATS): its detection as if it were
 * registered last in index.ts, and a file read with `openCsv` and mapped by it, every event
 * checked against the event schemas.
 */

import { normalizeHeaderName } from '../header-row.ts';
import { openCsv } from '../read-csv.ts';
import { chunks, utf8 } from '../test-support.ts';
import type { ImportFormat, MapOutcome } from './import-format.ts';
import { detectFormat, FORMATS } from './index.ts';
import type { FormatDefinition } from './map-row.ts';
import { assertValidEvent, type Mapped } from './test-helpers.ts';

/** How many of the format's header names `names` holds, or null when it cannot be the format. */
export function matchCount(format: FormatDefinition, names: readonly string[]): number | null {
  const present = new Set(names.map(normalizeHeaderName));
  const matched = new Set(format.headers.map(normalizeHeaderName).filter((name) => present.has(name))).size;
  const complete = format.requires.every((list) => list.some((name) => present.has(name)));
  return complete && matched >= format.minMatches ? matched : null;
}

/** The format `detectFormat` would pick once `format` is appended to its definitions. */
export function detectWith(format: FormatDefinition, names: readonly string[]): ImportFormat | null {
  const existing = detectFormat(names);
  const mine = matchCount(format, names);
  if (mine !== null && (existing === null || existing.format.id === format.id || mine > existing.matched)) {
    return format;
  }
  return existing?.format ?? null;
}

/** The id of the format detection picks among the registered ones and `format`. */
export function detectedId(format: FormatDefinition, names: readonly string[]): string | null {
  return detectWith(format, names)?.id ?? null;
}

/** Reads a whole file and maps it with `format`, after checking that detection would pick it. */
export async function mapWith(
  format: FormatDefinition,
  content: string | Uint8Array | AsyncIterable<Uint8Array>,
  options: { timeZone?: string; fileName?: string } = {},
): Promise<Mapped> {
  const source =
    typeof content === 'string'
      ? chunks(utf8(content))
      : content instanceof Uint8Array
        ? chunks(content)
        : content;
  const expectedHeaders = [...new Set([...FORMATS, format].flatMap((f) => f.headers))];
  const file = await openCsv(source, { expectedHeaders });
  if (!file.ok) {
    throw new Error(`not read: ${file.reason.en}`);
  }
  const detected = detectWith(format, file.header.names);
  if (detected?.id !== format.id) {
    throw new Error(`detected as ${detected?.id ?? 'nothing'}: ${file.header.names.join(',')}`);
  }
  const mapper = format.createMapper({
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    fileName: options.fileName ?? 'test.csv',
  });
  const outcomes: MapOutcome[] = [];
  for await (const item of file.rows) {
    if (item.kind !== 'row') {
      throw new Error(`reader: ${JSON.stringify(item)}`);
    }
    outcomes.push(...mapper.push({ line: item.line, cells: item.cells }));
  }
  outcomes.push(...mapper.finish());
  const events = outcomes.flatMap((o) => (o.kind === 'events' ? [...o.events] : []));
  for (const event of events) {
    assertValidEvent(event);
  }
  return {
    format,
    outcomes,
    events,
    rejected: outcomes.flatMap((o) => (o.kind === 'rejected' ? [o] : [])),
    skipped: outcomes.flatMap((o) => (o.kind === 'skipped' ? [o] : [])),
  };
}
