/**
 * The upkeep runs in its own transaction after a batch commits. Whatever happens between the two
 * — an upkeep that fails, a process that stops, batches that store while another is refreshed —
 * the aggregates and derived tags end up what a rebuild from all events gives.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { generateDemoEvents } from '../demo/generate-demo.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { runUpkeep } from './maintain-aggregates.ts';
import { rebuildAggregates } from './rebuild-aggregates.ts';

// Upkeeps that should fail, as a process stopping between a batch's commit and its upkeep would leave them.
const failing = vi.hoisted(() => ({ next: 0 }));
vi.mock('./upkeep.queries.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./upkeep.queries.ts')>();
  return {
    ...actual,
    takeUpkeep: (...args: Parameters<typeof actual.takeUpkeep>) => {
      if (failing.next > 0) {
        failing.next -= 1;
        return Promise.reject(new Error('the process stopped'));
      }
      return actual.takeUpkeep(...args);
    },
  };
});

const END = new Date('2026-11-21T00:00:00+08:00');
let h: DbHandle;
let batches: EventInput[][];

beforeAll(async () => {
  h = await createTestDb();
  const events = generateDemoEvents({ seed: 11, customers: 300, days: 60, end: END, communities: 3 });
  batches = [];
  for (let i = 0; i < events.length; i += 200) {
    batches.push(events.slice(i, i + 200));
  }
  expect(batches.length).toBeGreaterThan(8);
}, 60_000);
afterAll(() => h.close());

async function queued(ws: Workspace) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from upkeep_queue where workspace_id = ${ws.id}`.execute(h.db);
  return rows[0]!.n;
}

/** customer_stats and derived tags as kept. */
async function read(ws: Workspace) {
  const { rows: stats } = await sql<Record<string, unknown>>`
      select * from customer_stats where workspace_id = ${ws.id} order by customer_id`.execute(h.db);
  const { rows: tags } = await sql<{ customer_id: number; tag: string }>`
      select customer_id, tag from customer_tags where workspace_id = ${ws.id} and source <> 'manual'
      order by customer_id, tag`.execute(h.db);
  // Sums of doubles in another order differ in the last bits only.
  const rounded = stats.map((r) => ({
    ...r,
    interaction_weight: Number(r.interaction_weight).toPrecision(12),
  }));
  return { stats: rounded, tags };
}

/** The same as kept, then as a rebuild from the events makes them. */
async function keptAndRebuilt(ws: Workspace) {
  const kept = await read(ws);
  await rebuildAggregates(h.db, ws, { now: END });
  return { kept, rebuilt: await read(ws) };
}

test('an upkeep that fails leaves its customers queued, and the next batch refreshes them too', async () => {
  const ws = await createTestWorkspace(h, 'upkeep-fails');
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  for (const [n, batch] of batches.entries()) {
    failing.next = n === 3 ? 1 : 0;
    const outcomes = await ingestEvents(h.db, ws, batch, { now: END, durable: false });
    // The events were committed before the upkeep failed: they are stored all the same.
    expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
    expect(await queued(ws)).toBe(n === 3 ? 1 : 0);
  }
  expect(logged).toHaveBeenCalledTimes(1);
  expect(String(logged.mock.calls[0]![0])).toMatch(
    /upkeep of workspace upkeep-fails deferred.*process stopped/,
  );
  logged.mockRestore();

  const { kept, rebuilt } = await keptAndRebuilt(ws);
  expect(kept.stats.length).toBeGreaterThan(100);
  expect(kept).toEqual(rebuilt);
}, 120_000);

test('what a stopped process left queued is refreshed by runUpkeep, as a start does', async () => {
  const ws = await createTestWorkspace(h, 'upkeep-stopped');
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const last = batches.length - 1;
  for (const [n, batch] of batches.entries()) {
    failing.next = n >= last - 1 ? 1 : 0;
    await ingestEvents(h.db, ws, batch, { now: END, durable: false });
  }
  vi.mocked(console.error).mockRestore();
  expect(await queued(ws)).toBe(2);
  const stale = await read(ws);

  await runUpkeep(h.db, ws, END);
  expect(await queued(ws)).toBe(0);
  const { kept, rebuilt } = await keptAndRebuilt(ws);
  expect(stale).not.toEqual(kept);
  expect(kept).toEqual(rebuilt);
}, 120_000);

test('batches sent two at a time, storing while the other is refreshed, keep exact aggregates', async () => {
  const ws = await createTestWorkspace(h, 'upkeep-concurrent');
  for (let i = 0; i < batches.length; i += 2) {
    const pair = batches.slice(i, i + 2);
    const outcomes = await Promise.all(pair.map((b) => ingestEvents(h.db, ws, b, { now: END })));
    expect(outcomes.flat().every((o) => o.status === 'stored')).toBe(true);
  }
  expect(await queued(ws)).toBe(0);
  const { kept, rebuilt } = await keptAndRebuilt(ws);
  expect(kept).toEqual(rebuilt);
}, 120_000);
