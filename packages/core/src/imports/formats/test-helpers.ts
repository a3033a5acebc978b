/**
 * Helpers for the format tests: CSV text built from rows by header name, and a file read with
 * `openCsv`, detected and mapped as the import use case will, every event checked against the
 * event schemas.
 */

import { expect } from 'vitest';
import { EventEnvelopeSchema, type EventInput, PropertySchemas } from '../../events/event.schema.ts';
import { openCsv } from '../read-csv.ts';
import { chunks, utf8 } from '../test-support.ts';
import type { ImportFormat, MapOutcome } from './import-format.ts';
import { detectFormat, FORMATS } from './index.ts';

/** A CSV line; cells with a comma, quote or newline are quoted. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\n\r]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
}

/** CSV text with `header`, each row's cells given by header name (the rest empty). */
export function csvText(header: readonly string[], rows: readonly Record<string, string>[]): string {
  const lines = [
    csvLine(header),
    ...rows.map((row) => csvLine(header.map((name) => row[name.trim()] ?? ''))),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export type Mapped = {
  format: ImportFormat;
  outcomes: MapOutcome[];
  events: EventInput[];
  rejected: Extract<MapOutcome, { kind: 'rejected' }>[];
  skipped: Extract<MapOutcome, { kind: 'skipped' }>[];
};

const ALL_HEADERS = [...new Set(FORMATS.flatMap((f) => f.headers))];

/** Reads, detects and maps a whole file; fails the test if it is not read or not detected. */
export async function mapFile(
  content: string | Uint8Array | AsyncIterable<Uint8Array>,
  options: { fileName?: string; timeZone?: string; expect?: string } = {},
): Promise<Mapped> {
  const source =
    typeof content === 'string'
      ? chunks(utf8(content))
      : content instanceof Uint8Array
        ? chunks(content)
        : content;
  const file = await openCsv(source, { expectedHeaders: ALL_HEADERS });
  if (!file.ok) {
    throw new Error(`not read: ${file.reason.en}`);
  }
  const detected = detectFormat(file.header.names);
  if (detected === null) {
    throw new Error(`no format detected for ${file.header.names.join(',')}`);
  }
  if (options.expect !== undefined) {
    expect(detected.format.id).toBe(options.expect);
  }
  const mapper = detected.format.createMapper({
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    fileName: options.fileName ?? 'test.csv',
  });
  const outcomes: MapOutcome[] = [];
  for await (const item of file.rows) {
    if (item.kind === 'row') {
      outcomes.push(...mapper.push({ line: item.line, cells: item.cells }));
    } else {
      throw new Error(`reader: ${JSON.stringify(item)}`);
    }
  }
  outcomes.push(...mapper.finish());
  const events = outcomes.flatMap((o) => (o.kind === 'events' ? [...o.events] : []));
  for (const event of events) {
    assertValidEvent(event);
  }
  return {
    format: detected.format,
    outcomes,
    events,
    rejected: outcomes.flatMap((o) => (o.kind === 'rejected' ? [o] : [])),
    skipped: outcomes.flatMap((o) => (o.kind === 'skipped' ? [o] : [])),
  };
}

/** The event passes the envelope schema and its kind's properties schema. */
export function assertValidEvent(event: EventInput): void {
  const envelope = EventEnvelopeSchema.safeParse(event);
  expect(envelope.error?.issues ?? [], JSON.stringify(event)).toEqual([]);
  const properties = PropertySchemas[event.kind].safeParse(event.properties);
  expect(properties.error?.issues ?? [], JSON.stringify(event)).toEqual([]);
}

/** Lines accounted for by the outcomes, sorted. */
export function linesOf(outcomes: readonly MapOutcome[]): number[] {
  return outcomes
    .flatMap((o) => (o.kind === 'events' || o.kind === 'items' ? [...o.lines] : [o.line]))
    .sort((a, b) => a - b);
}
