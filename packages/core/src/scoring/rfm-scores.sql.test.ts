/**
 * The SQL written in the doc comments of rfm-scores.ts and rfm-groups.ts, run on the real engine
 * (in-memory PGlite, or PostgreSQL when DATABASE_URL is set), must give exactly what the TypeScript
 * gives — so that the set-based implementation can be built on it and checked against this one.
 * Only a SELECT over a JSON parameter: no tables, no migrations.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../config.ts';
import { createDb, type DbHandle } from '../db/create-db.ts';
import { TEST_SECRET } from '../testing/test-db.ts';
import { readMaster } from './cdnow.fixtures.ts';
import { classicRfm } from './purchase-summary.ts';
import { classicGroups } from './rfm-groups.ts';
import { type MonetaryBasis, type RfmRow, scoreRfm } from './rfm-scores.ts';

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.RUNS ?? 25);

let h: DbHandle;
beforeAll(async () => {
  const { databaseUrl } = loadConfig({ ...process.env, HATCHERY_SECRET: TEST_SECRET.toString('hex') });
  h = await createDb({ databaseUrl, dataDir: 'memory://' });
});
afterAll(() => h.close());

type Input = { workspace: number; recency: number; frequency: number; total_spend: number };

type Output = {
  r: number;
  f: number;
  m: number;
  m_mean: number;
  r_up: boolean;
  f_up: boolean;
  m_up: boolean;
};

/** The documented expressions, verbatim apart from the column names of this JSON row set. */
async function scoreInSql(rows: readonly Input[]): Promise<Output[]> {
  const { rows: out } = await sql<Output & { i: number }>`
    with customers as (
      select * from jsonb_to_recordset(${JSON.stringify(rows.map((row, i) => ({ ...row, i })))}::jsonb)
        as t(i int, workspace int, recency int, frequency int, total_spend bigint)
    ), scored as (
      select i, workspace,
        1 + (5 * (rank() over (partition by workspace order by recency desc) - 1))
          / count(*) over (partition by workspace) as r,
        1 + (5 * (rank() over (partition by workspace order by frequency asc) - 1))
          / count(*) over (partition by workspace) as f,
        1 + (5 * (rank() over (partition by workspace order by total_spend asc) - 1))
          / count(*) over (partition by workspace) as m,
        1 + (5 * (rank() over (partition by workspace order by total_spend::float8 / frequency asc) - 1))
          / count(*) over (partition by workspace) as m_mean
      from customers
    )
    select i, r, f, m, m_mean,
      r * count(*) over w > sum(r) over w as r_up,
      f * count(*) over w > sum(f) over w as f_up,
      m * count(*) over w > sum(m) over w as m_up
    from scored
    window w as (partition by workspace)
    order by i`.execute(h.db);
  return out.map(({ i: _, ...rest }) => ({
    ...rest,
    r: Number(rest.r),
    f: Number(rest.f),
    m: Number(rest.m),
    m_mean: Number(rest.m_mean),
  }));
}

/** The same, in TypeScript, workspace by workspace. */
function scoreInTs(rows: readonly Input[]): Output[] {
  const out = new Array<Output>(rows.length);
  for (const workspace of new Set(rows.map((r) => r.workspace))) {
    const positions = rows.flatMap((r, i) => (r.workspace === workspace ? [i] : []));
    const own: RfmRow[] = positions.map((i) => {
      const row = rows[i] as Input;
      return { recency: row.recency, frequency: row.frequency, totalSpend: row.total_spend };
    });
    const by = (basis: MonetaryBasis) => scoreRfm(own, { monetary: basis });
    const total = by('total');
    const mean = by('mean');
    const { groups } = classicGroups(total);
    positions.forEach((p, k) => {
      const s = total[k];
      const group = groups[k] ?? '';
      if (s === undefined) {
        return;
      }
      out[p] = {
        r: s.r,
        f: s.f,
        m: s.m,
        m_mean: mean[k]?.m ?? 0,
        r_up: ['important_value', 'important_develop', 'general_value', 'general_develop'].includes(group),
        f_up: ['important_value', 'important_keep', 'general_value', 'general_keep'].includes(group),
        m_up: group.startsWith('important_'),
      };
    });
  }
  return out;
}

test('CDNOW master at 1998-06-30: SQL and TypeScript agree on every customer', async () => {
  const rows = [...readMaster().values()].flatMap((purchases) => {
    const rfm = classicRfm(purchases, { end: '1998-06-30' });
    return rfm === null
      ? []
      : [{ workspace: 1, recency: rfm.recency, frequency: rfm.frequency, total_spend: rfm.totalSpend }];
  });
  expect(rows).toHaveLength(23_570);
  expect(await scoreInSql(rows)).toEqual(scoreInTs(rows));
});

const inputArb = fc.array(
  fc.record({
    workspace: fc.integer({ min: 1, max: 3 }),
    recency: fc.integer({ min: 0, max: 12 }),
    frequency: fc.integer({ min: 1, max: 5 }),
    total_spend: fc.integer({ min: -2, max: 30 }).map((x) => x * 1_001),
  }),
  { minLength: 1, maxLength: 50 },
);

test(`random workspaces with many ties: SQL and TypeScript agree (seed ${SEED})`, async () => {
  console.log(`rfm SQL property: seed ${SEED}, ${RUNS} runs (rerun with SEED=${SEED})`);
  await fc.assert(
    fc.asyncProperty(inputArb, async (rows) => {
      expect(await scoreInSql(rows)).toEqual(scoreInTs(rows));
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
