import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { paid, phone } from '../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import { getScoreDistribution } from './get-score-distribution.ts';
import { rescoreWorkspace } from './rescore-workspace.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const NOW = new Date('2026-11-30T12:00:00+08:00');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

test('before the first run: nothing scored, every group and bucket listed with 0', async () => {
  const ws = await createTestWorkspace(h, 'empty');
  const d = await getScoreDistribution(h.db, ws);
  expect(d.run).toBeNull();
  expect(d.customers).toBe(0);
  expect(d.rfm_groups).toHaveLength(9);
  expect(d.rfm_groups.every((g) => g.customers === 0)).toBe(true);
  expect(d.values.social).toHaveLength(10);
});

test('the counts match customer_scores row by row: groups, bands, KOC candidates, value tenths', async () => {
  const ws = await createTestWorkspace(h, 'scored');
  const events: EventInput[] = [];
  for (let n = 0; n < 60; n += 1) {
    const who = phone(`1390000${String(n).padStart(4, '0')}`);
    for (let k = 0; k <= n % 4; k += 1) {
      events.push(paid('tmall', `o${n}-${k}`, daysAgo(1 + ((n * 7 + k * 13) % 150)), 1000 + n * 300, [who]));
    }
    if (n % 3 === 0) {
      events.push({
        id: `share${n}`,
        kind: 'share',
        occurred_at: daysAgo(2),
        identities: [who],
        properties: { channel: 'moments' },
      });
    }
  }
  // A customer who never bought: RFM group 'none'.
  events.push({
    id: 'msg',
    kind: 'message.sent',
    occurred_at: daysAgo(1),
    identities: [phone('13700000000')],
    properties: { community_id: 'g1', message_type: 'text', length: 5 },
  });
  const outcomes = await ingestEvents(h.db, ws, events, { now: NOW });
  expect(outcomes.filter((o) => o.status !== 'stored')).toEqual([]);
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });

  const d = await getScoreDistribution(h.db, ws);
  expect(d.run).not.toBeNull();
  expect(d.customers).toBe(61);
  const sum = (xs: { customers: number }[]) => xs.reduce((n, x) => n + x.customers, 0);
  expect(sum(d.rfm_groups)).toBe(61);
  expect(sum(d.bands)).toBe(61);
  expect(d.rfm_groups.find((g) => g.code === 'none')?.customers).toBe(1);
  for (const value of ['consumption', 'interaction', 'content', 'social'] as const) {
    expect(sum(d.values[value])).toBe(61);
  }
  const { rows } = await sql<{ rfm_group: string; band: string; tenth: number; koc: number; n: number }>`
    select rfm_group, band, consumption / 10 as tenth, koc_candidate::int as koc, count(*)::int as n
    from customer_scores where workspace_id = ${ws.id} group by 1, 2, 3, 4`.execute(h.db);
  const count = (pick: (r: (typeof rows)[number]) => boolean) =>
    rows.filter(pick).reduce((n, r) => n + r.n, 0);
  for (const g of d.rfm_groups) {
    expect([g.code, g.customers]).toEqual([g.code, count((r) => r.rfm_group === g.code)]);
  }
  for (const b of d.bands) {
    expect([b.band, b.customers]).toEqual([b.band, count((r) => r.band === b.band)]);
  }
  for (const bucket of d.values.consumption) {
    expect(bucket.customers).toBe(count((r) => r.tenth === bucket.from / 10));
  }
  expect(d.koc_candidates).toBe(count((r) => r.koc === 1));
  // The spread is real: more than one group and more than one tenth are populated.
  expect(d.rfm_groups.filter((g) => g.customers > 0).length).toBeGreaterThan(2);
  expect(d.values.consumption.filter((b) => b.customers > 0).length).toBeGreaterThan(2);
});
