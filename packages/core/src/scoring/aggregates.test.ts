/**
 * Aggregates kept up as events arrive must be exactly what a rebuild from all events gives —
 * after many batches, merges across batches, conflicts and undos — and the set-based R, F and M
 * must be rfm-scores.ts's rule.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { undoMerge } from '../customers/undo-merge.ts';
import type { DbHandle } from '../db/create-db.ts';
import { generateDemoEvents } from '../demo/generate-demo.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { refreshDerived } from './aggregates.queries.ts';
import { epochDay } from './calendar-day.ts';
import { getCustomerScores } from './get-customer-scores.ts';
import { rebuildAggregates } from './rebuild-aggregates.ts';
import { rescoreWorkspace } from './rescore-workspace.ts';
import { scoreRfm } from './rfm-scores.ts';

let h: DbHandle;
let ws: Workspace;
const END = new Date('2026-11-21T00:00:00+08:00');

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h, 'aggregates');
  const events = generateDemoEvents({ seed: 7, customers: 400, days: 90, end: END, communities: 4 });
  // Small batches, so that people's identities meet across batches and merge stored profiles.
  for (let i = 0; i < events.length; i += 250) {
    await ingestEvents(h.db, ws, events.slice(i, i + 250), { now: END, durable: false });
  }
  const { rows } = await sql<{ id: number }>`
    select id from identity_moves where workspace_id = ${ws.id} and reason = 'merge' order by id limit 5`.execute(
    h.db,
  );
  expect(rows.length).toBe(5);
  for (const { id } of rows) {
    await undoMerge(h.db, ws, id, 'test');
  }
}, 120_000);
afterAll(() => h.close());

async function stats() {
  const { rows } = await sql<Record<string, unknown>>`
    select * from customer_stats where workspace_id = ${ws.id} order by customer_id`.execute(h.db);
  return rows;
}

test('aggregates kept up batch by batch, through merges and undos, equal a rebuild from the events', async () => {
  const kept = await stats();
  const { rows: live } = await sql<{ n: number }>`
    select count(*)::int as n from customers where workspace_id = ${ws.id} and merged_into is null`.execute(
    h.db,
  );
  expect(kept.length).toBe(live[0]!.n);
  expect(kept.some((r) => Number(r.orders) > 0 && Number(r.messages) > 0 && Number(r.posts) > 0)).toBe(true);
  expect(kept.some((r) => Number(r.pats_received) > 0)).toBe(true);
  expect(kept.some((r) => Number(r.brought_fen) > 0)).toBe(true);

  await rebuildAggregates(h.db, ws);
  const rebuilt = await stats();
  expect(rebuilt.length).toBe(kept.length);
  rebuilt.forEach((row, i) => {
    const { interaction_weight: w, ...rest } = kept[i]!;
    const { interaction_weight: w2, ...rest2 } = row;
    expect(rest2).toEqual(rest);
    // Sums of doubles in another order differ in the last bits only.
    expect(Math.abs(Number(w2) - Number(w))).toBeLessThanOrEqual(1e-12 * Math.abs(Number(w)));
  });
});

test('a refresh that changes nothing rewrites no row (PGlite has no autovacuum to clear the copies)', async () => {
  const versions = async () => {
    const { rows } = await sql<{ customer_id: number; version: string }>`
      select customer_id, xmin::text as version from customer_stats where workspace_id = ${ws.id}
      order by customer_id`.execute(h.db);
    return rows;
  };
  await rebuildAggregates(h.db, ws);
  const before = await versions();
  await refreshDerived(h.db, ws.id, ws.timeZone, null);
  expect(await versions()).toEqual(before);
  // A change is still written: one customer's purchase columns, reset by hand, come back.
  const buyer = (await stats()).find((r) => Number(r.orders) > 0)!;
  await sql`update customer_stats set orders = 0, net_fen = 0 where workspace_id = ${ws.id}
    and customer_id = ${buyer.customer_id}`.execute(h.db);
  await refreshDerived(h.db, ws.id, ws.timeZone, [Number(buyer.customer_id)]);
  const after = (await stats()).find((r) => r.customer_id === buyer.customer_id)!;
  expect([after.orders, after.net_fen]).toEqual([buyer.orders, buyer.net_fen]);
});

test('set-based R, F and M are rfm-scores.ts scoreRfm on the same purchases', async () => {
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: END });
  const { rows } = await sql<{
    last_day: number;
    order_days: number;
    net_fen: string;
    r: number;
    f: number;
    m: number;
  }>`
    select business_day(s.last_order_at, ${ws.timeZone}) as last_day, s.order_days, s.net_fen, c.r, c.f, c.m
    from customer_stats s join customer_scores c using (workspace_id, customer_id)
    where s.workspace_id = ${ws.id} and s.orders > 0`.execute(h.db);
  expect(rows.length).toBeGreaterThan(100);
  const endDay = epochDay('2026-11-21');
  const expected = scoreRfm(
    rows.map((r) => ({
      recency: endDay - r.last_day,
      frequency: r.order_days,
      totalSpend: Number(r.net_fen),
    })),
  );
  expect(rows.map(({ r, f, m }) => ({ r, f, m }))).toEqual(expected);
  expect(new Set(rows.map((r) => r.r)).size).toBeGreaterThan(3);
});

test('the run fits the lifetime models, and a repeat buyer gets P(alive), expected purchases and CLV', async () => {
  const { rows } = await sql<{ customer_id: number }>`
    select customer_id from customer_stats where workspace_id = ${ws.id} and order_days >= 3
    order by customer_id limit 1`.execute(h.db);
  const explained = await getCustomerScores(h.db, ws, rows[0]!.customer_id, END);
  if (!explained.scored) {
    throw new Error('expected scores');
  }
  const lifetime = explained.lifetime!;
  expect(lifetime.parameters.purchases.r).toBeGreaterThan(0);
  expect(lifetime.probability_alive).toBeGreaterThan(0);
  expect(lifetime.probability_alive).toBeLessThanOrEqual(1);
  expect(lifetime.expected_purchases.value).toBeGreaterThan(0);
  expect(lifetime.lifetime_value_fen.value).toBeGreaterThan(0);
});
