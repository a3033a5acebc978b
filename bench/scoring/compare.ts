import { readFileSync } from 'node:fs';

/**
 * Compares Hatchery's per-customer scores with DuckDB's, column by column: both files hold
 * customer_id,r,f,m,consumption,interaction,content,social,total,koc,band,koc_candidate,activity.
 * Totals and KOC scores are float4 in both; they are compared as float4 (exactly).
 */
export type Comparison = {
  customers: { hatchery: number; duckdb: number; both: number };
  /** Customers whose value differs, per column. */
  differing: Record<string, number>;
  /** A few differing rows, for the report. */
  examples: string[];
};

const COLUMNS = [
  'customer_id',
  'r',
  'f',
  'm',
  'consumption',
  'interaction',
  'content',
  'social',
  'total',
  'koc',
  'band',
  'koc_candidate',
  'activity',
];

function read(file: string) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines[0]?.split(',') ?? [];
  if (header.join(',') !== COLUMNS.join(',')) {
    throw new Error(`${file}: unexpected header ${lines[0]}`);
  }
  const rows = new Map<number, string[]>();
  for (const line of lines.slice(1)) {
    if (line !== '') {
      const cells = line.split(',');
      rows.set(Number(cells[0]), cells);
    }
  }
  return rows;
}

const same = (column: string, a: string, b: string) =>
  column === 'total' || column === 'koc' ? Math.fround(Number(a)) === Math.fround(Number(b)) : a === b;

export function compareScores(hatcheryCsv: string, duckCsv: string): Comparison {
  const h = read(hatcheryCsv);
  const d = read(duckCsv);
  const differing: Record<string, number> = {};
  const examples: string[] = [];
  let both = 0;
  for (const [id, a] of h) {
    const b = d.get(id);
    if (!b) {
      continue;
    }
    both++;
    let differs = false;
    COLUMNS.forEach((column, i) => {
      if (!same(column, a[i] ?? '', b[i] ?? '')) {
        differing[column] = (differing[column] ?? 0) + 1;
        differs = true;
      }
    });
    if (differs && examples.length < 5) {
      examples.push(`hatchery ${a.join(',')} | duckdb ${b.join(',')}`);
    }
  }
  return { customers: { hatchery: h.size, duckdb: d.size, both }, differing, examples };
}
