/**
 * The consumption value ranks R + F + M + V, V being the quintile of expected lifetime value. The
 * lifetime value scoring computes in SQL must be the one lifetimes' definition gives in JavaScript
 * (lifetime-scores.ts), customer by customer, and V and the consumption value must follow the
 * ranking rules of rfm-scores.ts and scores.queries.ts — on a full run and for one new order.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { generateDemoEvents } from '../demo/generate-demo.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { compileFilter, filterContext } from '../segments/compile-filter.ts';
import { type Filter, parseFilter } from '../segments/filter.schema.ts';
import { findMatchingIds } from '../segments/segments.queries.ts';
import { decrypt } from '../shared/crypto.ts';
import { paid, phone } from '../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { getCustomerScores } from './get-customer-scores.ts';
import {
  type BuyerAggregates,
  buyerHistory,
  CLV_MONTHS,
  HORIZON_DAYS,
  type LifetimeModels,
  lifetimeScores,
} from './lifetime-scores.ts';
import { rescoreWorkspace } from './rescore-workspace.ts';
import { quintileScores } from './rfm-scores.ts';
import { type Cutoffs, findLifetimeFactors, signals } from './scores.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { findLastDoneRun } from './value-models.queries.ts';

const END = new Date('2026-11-21T00:00:00+08:00');
let h: DbHandle;
let ws: Workspace;
let cutoffs: Cutoffs;
let models: LifetimeModels;

type Stats = { customer_id: number } & BuyerAggregates;

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h);
  const events = generateDemoEvents({ seed: 5, customers: 600, days: 180, end: END, communities: 3 });
  for (let i = 0; i < events.length; i += 1000) {
    await ingestEvents(h.db, ws, events.slice(i, i + 1000), { now: END });
  }
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: END });
  cutoffs = (await findLastDoneRun(h.db, ws.id))!.cutoffs as Cutoffs;
  // Without fitted models this file would test nothing: the demo has enough repeat buyers.
  expect(cutoffs.lifetime).not.toBeNull();
  models = cutoffs.lifetime!;
}, 120_000);
afterAll(() => h.close());

/** lifetimes' expected lifetime value of one buyer as of `now`, in JavaScript. */
function expectedValue(s: Stats, now: Date): number {
  const options = { unit: 'days', horizon: HORIZON_DAYS, months: CLV_MONTHS } as const;
  return lifetimeScores(models, buyerHistory(s, ws.timeZone, now), options).lifetimeValue;
}

/** The buyers' aggregates. */
async function stats(): Promise<Stats[]> {
  const { rows } = await sql<Stats>`
    select customer_id, order_days, net_fen, first_day_fen, first_order_at, last_order_at
    from customer_stats where workspace_id = ${ws.id} and orders > 0 order by customer_id`.execute(h.db);
  return rows;
}

async function scores() {
  const { rows } = await sql<{
    customer_id: number;
    r: number;
    f: number;
    m: number;
    v: number;
    consumption: number;
  }>`
    select customer_id, r, f, m, v, consumption from customer_scores where workspace_id = ${ws.id}`.execute(
    h.db,
  );
  return new Map(rows.map((r) => [r.customer_id, r]));
}

describe('the lifetime value in consumption', () => {
  test('SQL values every buyer as lifetimes does, and V is its quintile among buyers', async () => {
    const clock = scoringClock(ws.timeZone, END);
    const factors = await findLifetimeFactors(h.db, ws.id, clock, models, null);
    const { rows } = await sql<{ customer_id: number; clv: number | null }>`
      select customer_id, clv from (${signals(ws.id, clock, null, factors)}) s`.execute(h.db);
    const sqlValue = new Map(rows.map((r) => [r.customer_id, r.clv]));
    const buyers = await stats();
    expect(buyers.length).toBeGreaterThan(100);
    const values = buyers.map((s) => expectedValue(s, END));
    buyers.forEach((s, i) => {
      expect(sqlValue.get(s.customer_id)).toBeCloseTo(values[i]!, 6);
    });
    // Spread out, not one value for all: V then means something.
    expect(new Set(values.map((v) => Math.round(v))).size).toBeGreaterThan(buyers.length / 4);

    const stored = await scores();
    const v = quintileScores(values, 'higher');
    buyers.forEach((s, i) => {
      expect(stored.get(s.customer_id)?.v, `customer ${s.customer_id}`).toBe(v[i]);
    });
    for (const [id, s] of stored) {
      if (!buyers.some((b) => b.customer_id === id)) {
        expect(s.v).toBe(0);
      }
    }
  });

  test('a buyer whose (x, T) has no factor gets no value rather than a neighbour’s', async () => {
    const clock = scoringClock(ws.timeZone, END);
    const all = (await findLifetimeFactors(h.db, ws.id, clock, models, null))!;
    const clv = async (factors: typeof all) => {
      const { rows } = await sql<{ customer_id: number; clv: number | null; pair: string }>`
        select customer_id, clv, (order_days - 1) || ',' || (today - first_day) as pair
        from (${signals(ws.id, clock, null, factors)}) s where orders > 0`.execute(h.db);
      return new Map(rows.map((r) => [r.customer_id, r]));
    };
    const full = await clv(all);
    // Every other pair left out, so each one missing lies between two that are there.
    const kept = all.x.map((_, i) => i).filter((i) => i % 2 === 0);
    const pick = <T>(xs: T[]) => kept.map((i) => xs[i]!);
    const partial = await clv({ ...all, x: pick(all.x), T: pick(all.T), discounted: pick(all.discounted) });
    const keptPairs = new Set(kept.map((i) => `${all.x[i]},${all.T[i]}`));
    let missing = 0;
    for (const [id, { clv: value, pair }] of full) {
      if (keptPairs.has(pair)) {
        expect(partial.get(id)?.clv).toBe(value);
      } else {
        missing += 1;
        expect(partial.get(id)?.clv, `customer ${id} (x, T = ${pair})`).toBeNull();
      }
    }
    expect(missing).toBeGreaterThan(10);
  });

  test('consumption is the share of customers strictly behind on R + F + M + V', async () => {
    const stored = [...(await scores()).values()];
    const raw = stored.map((s) => s.r + s.f + s.m + s.v);
    stored.forEach((s, i) => {
      const worse = raw.filter((x) => x < raw[i]!).length;
      expect(s.consumption).toBe(Math.floor((100 * worse) / raw.length));
    });
  });

  test('segment filters select on V', async () => {
    const matching = async (filter: Filter) =>
      findMatchingIds(
        h.db,
        ws.id,
        compileFilter(parseFilter(filter).ok ? filter : { any: [] }, filterContext(ws, END)),
      );
    const stored = [...(await scores()).values()];
    for (const v of [0, 1, 5]) {
      const expected = stored.filter((s) => s.v === v).map((s) => s.customer_id);
      expect(expected.length).toBeGreaterThan(0);
      expect(await matching({ field: 'scores.v', op: '=', value: v })).toEqual(
        expected.sort((a, b) => a - b),
      );
    }
  });

  test('a new order revalues the customer against the run, and the explanation shows it', async () => {
    const weekAgo = new Date(END.getTime() - 7 * 86_400_000);
    const before = (await stats()).find((s) => s.order_days === 1 && s.last_order_at < weekAgo)!;
    const profile = await getCustomerScores(h.db, ws, before.customer_id, END);
    expect(profile.scored).toBe(true);
    const vBefore = profile.scored ? profile.rfm.v : 0;

    // A second purchase day makes a repeat buyer, whose expected value changes.
    const at = new Date(END.getTime() - 3_600_000).toISOString();
    const order = paid('jd', 'CLV-NEW', at, 50_000, [phone(await phoneOf(before.customer_id))]);
    const [outcome] = await ingestEvents(h.db, ws, [order], { now: END });
    expect(outcome).toMatchObject({ status: 'stored', customer_id: before.customer_id });

    const after = (await stats()).find((s) => s.customer_id === before.customer_id)!;
    expect(after.order_days).toBe(2);
    const value = expectedValue(after, END);
    const v = 1 + cutoffs.v!.filter((c) => c < value).length;
    const explained = await getCustomerScores(h.db, ws, before.customer_id, END);
    if (!explained.scored) {
      throw new Error('the customer lost their scores');
    }
    expect(explained.rfm.v).toBe(v);
    expect(v).not.toBe(vBefore);
    const consumption = explained.values.consumption;
    expect(consumption.raw).toBe(explained.rfm.r + explained.rfm.f + explained.rfm.m + v);
    const parts = consumption.parts as { input: string; value: number | null; contribution: number }[];
    const part = parts.find((p) => p.input === 'lifetime_value_fen');
    expect(part?.contribution).toBe(v);
    expect(part?.value).toBeCloseTo(value, 6);
    expect(explained.lifetime?.lifetime_value_fen.value).toBeCloseTo(value, 6);
  });
});

/** A customer's phone number in the clear (the test holds the workspace's key). */
async function phoneOf(customerId: number): Promise<string> {
  const { rows } = await sql<{ value_enc: Uint8Array }>`
    select value_enc from identities
    where workspace_id = ${ws.id} and customer_id = ${customerId} and kind = 'phone' limit 1`.execute(h.db);
  return decrypt(ws.keys.encKey, Buffer.from(rows[0]!.value_enc));
}
