import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LifetimeFactors } from '@hatchery/core';
import { AS_OF_EPOCH, referenceFile } from './data.ts';
import { DUCK_TOP, doubles, duckScoresSql } from './duck-sql.ts';
import { median, mib, type Timed } from './timing.ts';

/**
 * DuckDB's side of bench/scoring, in a process of its own so that its peak RSS is its own.
 * Usage: duck.ts <events.csv> <runs> <scores.csv> <lifetime.json | none>. The lifetime file holds the
 * models and factors Hatchery's run valued customers with (hatchery.ts). Loads the raw events into an in-memory table
 * (not timed against anything), then N times: Hatchery's scores from the raw events (materialised,
 * then the top 1,000 read), and the reference score_threshold.sql. Writes the last run's scores to
 * <scores.csv> for the comparison; the result is the last line on stdout, as JSON (`DuckResult`).
 */
export type DuckResult = {
  version: string;
  loadSeconds: number;
  hatchery: Timed;
  reference: Timed;
  referenceChecks: Record<string, number>;
  peakRssMb: number;
};

const [csv, runsArg, scoresCsv, lifetimeFile] = process.argv.slice(2);
if (csv === undefined || runsArg === undefined || scoresCsv === undefined || lifetimeFile === undefined) {
  throw new Error('usage: duck.ts <events.csv> <runs> <scores.csv> <lifetime.json | none>');
}
const lifetime =
  lifetimeFile === 'none' ? null : (JSON.parse(readFileSync(lifetimeFile, 'utf8')) as LifetimeFactors | null);
const runs = Number(runsArg);
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
const run = async (text: string) => (await db.runAndReadAll(text)).getRowObjectsJS();

const version = String((await run('select version() as v'))[0]?.v);
let t = performance.now();
await run(`create table events as select * from read_csv('${csv}', header = true,
  columns = {'customer_id': 'INTEGER', 'ts': 'INTEGER', 'kind': 'UTINYINT', 'amount': 'INTEGER'})`);
const loadSeconds = (performance.now() - t) / 1000;
process.stderr.write(`  [duckdb ${version}] loaded events in ${loadSeconds.toFixed(1)} s\n`);

if (lifetime) {
  // The (x, T) factors as a table, like the arrays Hatchery's statements join.
  await run(`create table lifetime_factors as select unnest([${lifetime.x.join(', ')}]::int[]) as x,
    unnest([${lifetime.T.join(', ')}]::int[]) as t, unnest(${doubles(lifetime.discounted)}) as discounted`);
}
const hatcherySql = duckScoresSql(AS_OF_EPOCH, lifetime?.models ?? null);
const referenceSql = readFileSync(referenceFile('score_threshold.sql'), 'utf8');
const hatchery: number[] = [];
const reference: number[] = [];
for (let i = 0; i < runs; i++) {
  t = performance.now();
  await run(hatcherySql);
  await run(DUCK_TOP);
  hatchery.push((performance.now() - t) / 1000);
  await run('drop table if exists scores');
  t = performance.now();
  await run(referenceSql);
  await run('select customer_id from scores order by koc desc, customer_id limit 1000');
  reference.push((performance.now() - t) / 1000);
  process.stderr.write(
    `  [duckdb] run ${i + 1}: Hatchery's scores ${hatchery.at(-1)?.toFixed(2)} s, reference ${reference.at(-1)?.toFixed(2)} s\n`,
  );
}
const checks = (
  await run(`select count(*)::bigint as customers, sum(r)::bigint as r, sum(f)::bigint as f, sum(m)::bigint as m,
    sum(tag)::bigint as tag, round(sum(total))::bigint as total,
    (select sum(customer_id)::bigint from (select customer_id from scores order by koc desc, customer_id limit 1000)) as top
    from scores`)
)[0];
await run(
  `copy (select * from hatchery_scores order by customer_id) to '${scoresCsv}' (header, delimiter ',')`,
);
db.closeSync();

const result: DuckResult = {
  version,
  loadSeconds,
  hatchery: { runs: hatchery, median: median(hatchery) },
  reference: { runs: reference, median: median(reference) },
  referenceChecks: Object.fromEntries(Object.entries(checks ?? {}).map(([k, v]) => [k, Number(v)])),
  peakRssMb: mib(process.resourceUsage().maxRSS * 1024),
};
console.log(JSON.stringify(result));
