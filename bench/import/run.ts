import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type Expected, GENERATOR_VERSION, generateTaobaoExport } from './generate.ts';
import type { Measured } from './measure.ts';

/**
 * bench/import: a generated Taobao order report (GBK, 54 columns) through the importer, in one run,
 * each measurement in a fresh process (its peak RSS is its own):
 *
 *   reference  the CSV reader alone (openCsv: decode GBK, tokenise, clean cells; no mapping),
 *              before and after the others (the ratio is against their mean); plus bytes → text only
 *   dry run    importFile with dryRun on embedded PGlite: read + map + validate; and the same on
 *              PostgreSQL, to tell the importer's memory from PGlite's
 *   full       importFile into a fresh PostgreSQL database: events stored
 *
 * Every import's summary is checked against what the generator wrote (rows, imported, skipped,
 * rejected, orders, events, customers); any difference fails the run.
 */
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    smoke: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    /** Which measurements, comma-separated: decode, read, dry, dry-pg, full. */
    only: { type: 'string', default: 'decode,read,dry,dry-pg,full' },
    url: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const rows = values.smoke ? 20_000 : Number(values.rows);
const seed = Number(values.seed);
const only = new Set(values.only.split(','));
if (!(Number.isInteger(rows) && rows > 0)) {
  throw new Error(`--rows ${values.rows}: expected a positive whole number`);
}

const outDir = new URL('./out/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const file = `${outDir}ExportOrderList-${rows}-seed${seed}.csv`;
const expected = await generated(file);
console.log(
  `${rows.toLocaleString('en')} rows, ${(expected.bytes / 2 ** 20).toFixed(0)} MiB GBK (${file}); ` +
    `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `expected: ${expected.imported} imported (${expected.refunds} with a refund), ${expected.skipped} skipped, ` +
    `${expected.rejected} rejected, ${expected.buyers} buyers`,
);

const results: { name: string; m: Measured; events: number | null }[] = [];
const readRuns: Measured[] = [];
if (only.has('read')) {
  readRuns.push(checkRead(await measure('read')));
}
if (only.has('decode')) {
  results.push({
    name: 'bytes → text only (GB18030 decode)',
    m: checkRead(await measure('decode')),
    events: null,
  });
}
if (only.has('dry')) {
  const m = await measure('dry');
  checkImport(m, 'valid');
  results.push({ name: 'importFile --dry-run, PGlite (read + map + validate)', m, events: null });
}
if (only.has('dry-pg')) {
  const m = await withDatabase((url) => measure('dry-pg', url));
  checkImport(m, 'valid');
  results.push({ name: 'importFile --dry-run, PostgreSQL (read + map + validate)', m, events: null });
}
if (only.has('full')) {
  const m = await withDatabase((url) => measure('full', url));
  checkImport(m, 'stored');
  const events = m.summary?.events?.stored ?? 0;
  results.push({ name: 'importFile into PostgreSQL (full import)', m, events });
}
if (only.has('read')) {
  readRuns.push(checkRead(await measure('read')));
}

const readRate =
  readRuns.length === 0 ? null : readRuns.reduce((n, m) => n + rowsPerSecond(m), 0) / readRuns.length;
const table = [
  ...(readRuns.length === 0
    ? []
    : [
        {
          name: `reference: openCsv, rows only (mean of ${readRuns.length})`,
          rate: readRate!,
          events: null,
          peak: Math.max(...readRuns.map((m) => m.peakRssMb)),
          start: readRuns[0]!.startRssMb,
          run: Math.max(...readRuns.map((m) => m.runRssMb)),
        },
      ]),
  ...results.map(({ name, m, events }) => ({
    name,
    rate: rowsPerSecond(m),
    events: events === null ? null : events / m.seconds,
    peak: m.peakRssMb,
    start: m.startRssMb,
    run: m.runRssMb,
  })),
];
console.log(
  '\n| path | rows/s | events/s | peak RSS (MiB) | at start | highest while running | × reference |\n' +
    '|---|---|---|---|---|---|---|',
);
for (const t of table) {
  console.log(
    `| ${t.name} | ${fmt(t.rate)} | ${t.events === null ? '' : fmt(t.events)} | ${t.peak} | ${t.start} | ${t.run} | ${readRate === null ? '' : (t.rate / readRate).toFixed(2)} |`,
  );
}
for (const { m } of results) {
  console.log(`${m.mode}: ${m.seconds.toFixed(1)} s`);
}
if (readRuns.length > 0) {
  console.log(`reference runs: ${readRuns.map((m) => fmt(rowsPerSecond(m))).join(' and ')} rows/s`);
}

/** The generated file, reused when it is already there for these rows, seed and generator. */
async function generated(path: string): Promise<Expected> {
  const meta = `${path}.expected.json`;
  if (existsSync(path) && existsSync(meta)) {
    const cached = JSON.parse(readFileSync(meta, 'utf8')) as Expected;
    if (cached.version === GENERATOR_VERSION && cached.rows === rows && cached.seed === seed) {
      return cached;
    }
  }
  const started = performance.now();
  const result = await generateTaobaoExport({ rows, seed, path });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `generated in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en')} rows/s)`,
  );
  writeFileSync(meta, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** A fresh database on the PostgreSQL server for `fn`, dropped afterwards. */
async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: values.url });
  await admin.connect();
  const dbName = `hatchery_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${dbName}`);
  try {
    const url = new URL(values.url);
    url.pathname = `/${dbName}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

function measure(mode: string, url?: string): Promise<Measured> {
  console.log(`${mode}…`);
  const child = spawn(
    process.execPath,
    [new URL('./measure.ts', import.meta.url).pathname, mode, file, ...(url === undefined ? [] : [url])],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || last === undefined || last === '') {
        reject(new Error(`measure ${mode} exited with ${code}`));
        return;
      }
      const m = JSON.parse(last) as Measured;
      console.log(
        `  ${m.seconds.toFixed(1)} s, ${fmt(rowsPerSecond(m))} rows/s, peak RSS ${m.peakRssMb} MiB ` +
          `(${m.startRssMb} at start, ${m.runRssMb} highest while running)`,
      );
      resolve(m);
    });
  });
}

function checkRead(m: Measured): Measured {
  if (m.rows !== rows) {
    throw new Error(`${m.mode}: read ${m.rows} rows, the file has ${rows}`);
  }
  return m;
}

function checkImport(m: Measured, eventStatus: 'valid' | 'stored'): void {
  const s = m.summary;
  const events = s?.events ?? {};
  const want: Record<string, unknown> = {
    status: 'done',
    rows_read: rows,
    rows_imported: expected.imported,
    rows_skipped: expected.skipped,
    rows_rejected: expected.rejected,
    orders: expected.orders,
    [`events.${eventStatus}`]: expected.orders + expected.refunds,
    'events (all)': expected.orders + expected.refunds,
    'rejected as E+ ids': expected.rejected,
    ...(eventStatus === 'stored' ? { 'new customers': expected.buyers, merges: 0 } : {}),
  };
  const got: Record<string, unknown> = {
    status: m.status,
    rows_read: s?.rows_read,
    rows_imported: s?.rows_imported,
    rows_skipped: s?.rows_skipped,
    rows_rejected: s?.rows_rejected,
    orders: s?.orders,
    [`events.${eventStatus}`]: events[eventStatus],
    'events (all)': Object.values(events).reduce((n, v) => n + (v ?? 0), 0),
    'rejected as E+ ids': (s?.reasons ?? [])
      .filter((r) => r.kind === 'rejected' && r.code === 'id_rounded_by_excel')
      .reduce((n, r) => n + r.count, 0),
    ...(eventStatus === 'stored'
      ? {
          'new customers': (s?.customers_after ?? 0) - (s?.customers_before ?? 0),
          merges: s?.merges,
        }
      : {}),
  };
  const wrong = Object.keys(want).filter((k) => want[k] !== got[k]);
  if (wrong.length > 0) {
    throw new Error(
      `${m.mode}: the import does not match the generated file (${wrong.join(', ')}):\n` +
        `  expected ${JSON.stringify(want)}\n  got      ${JSON.stringify(got)}\n  failure: ${m.failure}\n` +
        `  by reason ${JSON.stringify(s?.reasons)}`,
    );
  }
}

function rowsPerSecond(m: Measured): number {
  return m.rows / m.seconds;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}
