/**
 * Migration 0010 over a workspace that already holds referrals: once the upkeep it queues has run
 * (the server runs it when it starts), the referrer of a buying invitee is credited, as a rebuild
 * from every event credits them.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ingestEvents } from '../../events/ingest-events.ts';
import { runUpkeep } from '../../scoring/maintain-aggregates.ts';
import { rebuildAggregates } from '../../scoring/rebuild-aggregates.ts';
import { nick, paid, phone } from '../../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../../testing/test-db.ts';
import type { DbHandle } from '../create-db.ts';
import { migrateToLatest } from '../migrate.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb({ migrateUpTo: '0009-lifetime-value-score' });
});
afterAll(() => h.close());

const NOW = new Date('2026-11-30T12:00:00+08:00');
const day = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();

test('existing referrals count once the queued upkeep has run', async () => {
  const ws = await createTestWorkspace(h, 'before-0010');
  const outcomes = await ingestEvents(
    h.db,
    ws,
    [
      paid('tmall', 'A1', day(30), 10_000, [phone('13900000001')]),
      {
        id: 'ref-1',
        kind: 'referral',
        occurred_at: day(20),
        identities: [phone('13900000001')],
        properties: { invitee: nick('friend-1') },
      },
      paid('taobao', 'F1', day(10), 25_000, [nick('friend-1')]),
      paid('taobao', 'F2', day(5), 5_000, [nick('friend-1')]),
    ],
    // The batch's own upkeep would write the columns this migration adds: the older code kept
    // the other aggregates, which the rebuild below gives everyone anyway.
    { now: NOW, deferAggregates: true },
  );
  expect(outcomes.map((o) => o.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

  await migrateToLatest(h.db as never);
  await runUpkeep(h.db, ws, NOW);
  const brought = async () =>
    (
      await sql<{ masked: string; people: number; fen: number }>`
        select i.masked, s.brought_people as people, s.brought_fen as fen
        from identities i join customer_stats s on s.workspace_id = i.workspace_id and s.customer_id = i.customer_id
        where i.workspace_id = ${ws.id} and (s.brought_people > 0 or s.brought_fen > 0)
        order by i.masked`.execute(h.db)
    ).rows;
  const upgraded = await brought();
  expect(upgraded).toEqual([{ masked: '139****0001', people: 1, fen: 30_000 }]);

  await rebuildAggregates(h.db, ws, { now: NOW });
  expect(await brought()).toEqual(upgraded);
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from upkeep_queue where workspace_id = ${ws.id}`.execute(h.db);
  expect(rows[0]!.n).toBe(0);
});
