import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The benchmark's data: the reference generator (`../shared/bench-reference/gen.c`, compiled once
 * with the system's cc) writes `customer_id,ts,kind,amount` rows sorted by time into bench/scoring/out/,
 * named by its parameters, so a re-run with the same ones reuses the file.
 */
export const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
const REFERENCE = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/bench-reference');

/** 2025-01-01T00:00Z: the generator's end of time, and the clock every engine scores against. */
export const AS_OF_EPOCH = 1_735_689_600;

export type DataSet = { name: string; csv: string; customers: number; events: number; seed: number };

export function referenceFile(name: string) {
  return join(REFERENCE, name);
}

export function ensureData(customers: number, events: number, seed: number): DataSet {
  mkdirSync(OUT, { recursive: true });
  const gen = join(OUT, 'gen');
  if (!existsSync(gen)) {
    execFileSync('cc', ['-O3', '-o', gen, referenceFile('gen.c'), '-lm'], { stdio: 'inherit' });
  }
  const name = `c${customers}-e${events}-s${seed}`;
  const csv = join(OUT, `${name}.csv`);
  if (!existsSync(csv) || statSync(csv).size === 0) {
    const started = performance.now();
    const tmp = join(OUT, `${name}.tmp`);
    execFileSync(gen, [String(customers), String(events), tmp, String(seed)], { stdio: 'inherit' });
    renameSync(`${tmp}.csv`, csv);
    for (const column of ['cid.i32', 'ts.i32', 'kind.u8', 'amount.i32']) {
      rmSync(`${tmp}.${column}`, { force: true });
    }
    console.log(`generated ${csv} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { name, csv, customers, events, seed };
}
