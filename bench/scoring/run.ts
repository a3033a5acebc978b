import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Comparison, compareScores } from './compare.ts';
import { type DataSet, ensureData, OUT } from './data.ts';
import type { DuckResult } from './duck.ts';
import type { HatcheryOptions, HatcheryResult } from './hatchery.ts';

/**
 * bench/scoring: Hatchery's full rescoring (RFM + four values + tags + top 1,000, read from the
 * per-customer aggregates) against DuckDB computing the same scores from the raw events, on the
 * same generated data, in one run; the scores of both are compared customer by customer. Also the
 * reference score_threshold.sql in DuckDB and in Hatchery's database, the incremental path (one
 * event to committed aggregates, tags and scores against a bare single-row INSERT), a segment
 * count and peak memory. Each engine runs in a process of its own (measured peak RSS is its own).
 *
 *   npm run bench:scoring                 PostgreSQL at 1M customers / 50M events, PGlite at 100k / 5M
 *   npm run bench:scoring -- --smoke      tiny data, every engine, same checks (CI runs this)
 *   --sets big,small --runs N --incremental N --keep (keep the loaded databases and reuse them next time)
 */
const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    sets: { type: 'string', default: 'big,small' },
    runs: { type: 'string' },
    keep: { type: 'boolean', default: false },
    incremental: { type: 'string' },
    url: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

type Plan = { set: DataSet; engines: HatcheryOptions['engine'][]; runs: number; incremental: number };

const plans: Plan[] = values.smoke
  ? [
      {
        set: ensureData(2_000, 100_000, 1),
        engines: ['postgres', 'pglite'],
        runs: Number(values.runs ?? 1),
        incremental: Number(values.incremental ?? 30),
      },
    ]
  : values.sets.split(',').map((name) =>
      name === 'big'
        ? {
            set: ensureData(1_000_000, 50_000_000, 42),
            engines: ['postgres'],
            runs: Number(values.runs ?? 3),
            incremental: Number(values.incremental ?? 500),
          }
        : {
            set: ensureData(100_000, 5_000_000, 7),
            engines: ['pglite', 'postgres'],
            // A run takes about a second here, where one hit by the machine's noise weighs on a median of
            // three (2026-12-04: 1.27 s among 0.90–0.96 s).
            runs: Number(values.runs ?? 5),
            incremental: Number(values.incremental ?? 300),
          },
    );

console.log(`${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
const report: string[] = [];
let failed = false;
for (const plan of plans) {
  const { set } = plan;
  console.log(
    `\n== ${set.customers.toLocaleString('en')} customers, ${set.events.toLocaleString('en')} events`,
  );
  const duckCsv = join(OUT, `scores-duckdb-${set.name}.csv`);
  // Hatchery first: DuckDB values customers with the lifetime models Hatchery's run fitted.
  const results: [HatcheryResult, string][] = [];
  for (const engine of plan.engines) {
    const scoresCsv = join(OUT, `scores-${engine}-${set.name}.csv`);
    const options: HatcheryOptions = {
      engine,
      name: set.name,
      csv: set.csv,
      events: set.events,
      runs: plan.runs,
      scoresCsv,
      url: values.url,
      keep: values.keep,
      incremental: plan.incremental,
    };
    results.push([await child<HatcheryResult>('hatchery.ts', [JSON.stringify(options)]), scoresCsv]);
  }
  const lifetime = results[0] ? `${results[0][1]}.lifetime.json` : 'none';
  const duck = await child<DuckResult>('duck.ts', [set.csv, String(plan.runs), duckCsv, lifetime]);
  for (const [h, scoresCsv] of results) {
    const comparison = compareScores(scoresCsv, duckCsv);
    report.push(...describe(set, duck, h, comparison));
    const differing = Object.values(comparison.differing).reduce((a, b) => a + b, 0);
    if (h.earlierIncremental > 0) {
      report.push(
        `(The kept database holds ${h.earlierIncremental} events an earlier run's incremental path added, which the raw file DuckDB reads does not: scores may differ because of them.)`,
      );
    } else if (differing > 0 || comparison.customers.both !== comparison.customers.duckdb) {
      failed = values.smoke;
    }
    if (JSON.stringify(h.referenceChecks) !== JSON.stringify(duck.referenceChecks)) {
      report.push(
        `reference checks differ: ${JSON.stringify(h.referenceChecks)} vs ${JSON.stringify(duck.referenceChecks)}`,
      );
      failed = true;
    }
  }
}
console.log(`\n${report.join('\n')}`);
if (failed) {
  throw new Error('Hatchery and DuckDB disagree (see above)');
}

function describe(set: DataSet, duck: DuckResult, h: HatcheryResult, c: Comparison) {
  const s = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} s`;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const lines = [
    `\n### ${h.engine}, ${set.customers.toLocaleString('en')} customers / ${set.events.toLocaleString('en')} events (DuckDB ${duck.version})`,
    '',
    '| what | median | runs | × DuckDB (same scores) |',
    '|---|---|---|---|',
    `| DuckDB: Hatchery's scores from the raw events | ${s(duck.hatchery.median)} | ${runs(duck.hatchery.runs)} | 1.00 |`,
    `| Hatchery rescoreWorkspace + top 1,000 (${h.engine}) | ${s(h.rescore.median)} | ${runs(h.rescore.runs)} | **${(h.rescore.median / duck.hatchery.median).toFixed(2)}** |`,
    `| reference score_threshold.sql, DuckDB | ${s(duck.reference.median)} | ${runs(duck.reference.runs)} | ${(duck.reference.median / duck.hatchery.median).toFixed(2)} |`,
    `| reference score_threshold.sql, ${h.engine} | ${s(h.reference.median)} | ${runs(h.reference.runs)} | ${(h.reference.median / duck.hatchery.median).toFixed(2)} |`,
    '',
    `Hatchery's steps (median s): ${Object.entries(h.steps)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}; ${h.customers.toLocaleString('en')} customers scored; Σ top-1,000 ids ${h.topIdSum}.`,
    `Load (setup, ${h.reused ? 'reused from a kept database' : 'this run'}): ${Object.entries(h.load)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(
        ', ',
      )}; database ${h.databaseMb.toLocaleString('en')} MiB. DuckDB's load: ${duck.loadSeconds.toFixed(1)} s.`,
    `Peak RSS: Hatchery's process ${h.peakRssMb} MiB (the PostgreSQL server's own memory not included), DuckDB's ${duck.peakRssMb} MiB.`,
    `Segment count (total ≥ 60 and activity:silent, ${h.segment.count.toLocaleString('en')} customers): median ${ms(h.segment.median * 1000)}.`,
  ];
  if (h.incremental) {
    const i = h.incremental;
    lines.push(
      `Incremental path (${i.events} single events, durable commits): ingestEvents p50 ${ms(i.hatchery.p50)}, p99 ${ms(i.hatchery.p99)}; ` +
        `bare INSERT p50 ${ms(i.insert.p50)}, p99 ${ms(i.insert.p99)}; ratio p50 **${(i.hatchery.p50 / i.insert.p50).toFixed(2)}×**, p99 **${(i.hatchery.p99 / i.insert.p99).toFixed(2)}×**.`,
    );
  }
  const diff = Object.entries(c.differing);
  lines.push(
    `Scores compared: ${c.customers.both.toLocaleString('en')} customers in both (Hatchery ${c.customers.hatchery}, DuckDB ${c.customers.duckdb}); ` +
      (diff.length === 0
        ? 'every column of every customer equal.'
        : `differing: ${diff.map(([k, v]) => `${k} ${v}`).join(', ')}.`),
    ...c.examples.map((e) => `  e.g. ${e}`),
  );
  return lines;
}

/** Runs a part in a process of its own; its progress goes to stderr, its result is its last stdout line. */
function child<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(import.meta.dirname, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    p.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code}`));
        return;
      }
      const last = out.trim().split('\n').at(-1) ?? '';
      resolve(JSON.parse(last) as T);
    });
  });
}
