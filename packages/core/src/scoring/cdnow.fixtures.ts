/**
 * Test support: reads the CDNOW reference files in ../shared/data/cdnow/ the way its SOURCE.md says
 * (CRLF line ends, whitespace-separated columns, zero-padded customer ids, dollars with 2 decimals).
 * Dollars become integer cents exactly (no binary float), as Hatchery keeps money in minor units.
 */
import { readFileSync } from 'node:fs';
import { parseHundredths } from './decimal-round.ts';
import type { Purchase } from './purchase-summary.ts';

export const CDNOW_DIR = new URL('../../../../../shared/data/cdnow/', import.meta.url);
export const PEER_VECTORS_FILE = new URL(
  '../../../../../shared/data/peer_test_vectors/rfm_test_vectors.json',
  import.meta.url,
);

function lines(file: string): string[] {
  return readFileSync(new URL(file, CDNOW_DIR), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** 'YYYYMMDD' → 'YYYY-MM-DD'. */
function isoDay(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** A raw CDNOW row, kept for the negative tests that must see rows (not merged days) and the dollar text. */
export type CdnowRow = Purchase & { readonly dollars: string };

function push(byCustomer: Map<string, CdnowRow[]>, id: string, row: CdnowRow): void {
  const rows = byCustomer.get(id);
  if (rows === undefined) {
    byCustomer.set(id, [row]);
  } else {
    rows.push(row);
  }
}

/** `CDNOW_master.txt`: customer id (without the zero padding, as the oracles write it) → its rows. */
export function readMaster(): Map<string, CdnowRow[]> {
  const byCustomer = new Map<string, CdnowRow[]>();
  for (const line of lines('CDNOW_master.txt').slice(1)) {
    const [id = '', date = '', , dollars = ''] = line.split(/\s+/);
    push(byCustomer, String(Number(id)), { day: isoDay(date), amount: parseHundredths(dollars), dollars });
  }
  return byCustomer;
}

/** `CDNOW_sample.txt`: sample id (1…2357, the id of Fader–Hardie's files) → its rows. */
export function readSample(): Map<string, CdnowRow[]> {
  const byCustomer = new Map<string, CdnowRow[]>();
  for (const line of lines('CDNOW_sample.txt')) {
    const [, sampleId = '', date = '', , dollars = ''] = line.split(/\s+/);
    push(byCustomer, String(Number(sampleId)), {
      day: isoDay(date),
      amount: parseHundredths(dollars),
      dollars,
    });
  }
  return byCustomer;
}

/** A CSV with a header and no quoted commas: one record per line, keyed by column name (quotes stripped). */
export function readCsv(file: string): Record<string, string>[] {
  const [header = '', ...rest] = lines(file);
  const columns = header.split(',').map((c) => c.replaceAll('"', ''));
  return rest.map((line) => {
    const cells = line.split(',').map((c) => c.replaceAll('"', ''));
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}
