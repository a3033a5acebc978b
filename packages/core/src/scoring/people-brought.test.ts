/**
 * The social value's "people they brought": whom a referral credits (the first inviter, never
 * oneself), what it credits (the invitee's net spend since the invitation), and that the credit
 * follows late invitees, later orders and refunds, earlier referrals arriving late, merges and
 * undos — kept up batch by batch exactly as a rebuild computes it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { undoMerge } from '../customers/undo-merge.ts';
import type { DbHandle } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { linked, nick, paid, phone } from '../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { getCustomerScores } from './get-customer-scores.ts';
import { rebuildAggregates } from './rebuild-aggregates.ts';
import { rescoreWorkspace } from './rescore-workspace.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const NOW = new Date('2026-11-30T12:00:00+08:00');
const day = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();

type Identity = EventInput['identities'][number];
let seq = 0;
function referral(referrer: Identity, invitee: Identity, daysAgo: number): EventInput {
  seq += 1;
  return {
    id: `ref-${seq}`,
    kind: 'referral',
    occurred_at: day(daysAgo),
    identities: [referrer],
    properties: { invitee },
  };
}
function refund(orderId: string, fen: number, daysAgo: number, buyer: Identity): EventInput {
  return {
    id: `refund-${orderId}`,
    kind: 'order.refunded',
    occurred_at: day(daysAgo),
    identities: [buyer],
    properties: { shop: 'tmall', order_id: orderId, amount_fen: fen },
  };
}

async function ingest(ws: Workspace, events: EventInput[]) {
  const outcomes = await ingestEvents(h.db, ws, events, { now: NOW });
  expect(outcomes.filter((o) => o.status !== 'stored')).toEqual([]);
}

/** brought_people and brought_fen of whoever holds each identity (masked form as the key). */
async function brought(ws: Workspace) {
  const { rows } = await sql<{ masked: string; people: number; fen: number }>`
    select i.masked, s.brought_people as people, s.brought_fen as fen
    from identities i join customer_stats s on s.workspace_id = i.workspace_id and s.customer_id = i.customer_id
    where i.workspace_id = ${ws.id} order by i.masked`.execute(h.db);
  return Object.fromEntries(rows.map((r) => [r.masked, [r.people, r.fen]]));
}

async function allStats(ws: Workspace) {
  const { rows } = await sql<Record<string, unknown>>`
    select customer_id, brought_people, brought_fen from customer_stats
    where workspace_id = ${ws.id} order by customer_id`.execute(h.db);
  return rows;
}

/** Kept batch by batch, the stats must be what a rebuild from every event gives. */
async function expectRebuildAgrees(ws: Workspace) {
  const kept = await allStats(ws);
  await rebuildAggregates(h.db, ws, { now: NOW });
  expect(await allStats(ws)).toEqual(kept);
}

describe('who brought whom', () => {
  let ws: Workspace;
  const X = phone('13800000011'); // invites Y first
  const Z = phone('13800000022'); // invites Y too, later: brings nobody
  const Y = phone('13800000033'); // a buyer before and after the invitations
  const R = phone('13800000044'); // invites themselves, and W before W ever shows up
  const W = phone('13800000055');
  const V = phone('13800000066'); // an earlier invitation of Y, reported last
  beforeAll(async () => {
    ws = await createTestWorkspace(h, 'people-brought');
    await ingest(ws, [
      paid('tmall', 'Y-before', day(60), 8_000, [Y]),
      referral(X, Y, 50),
      paid('tmall', 'Y-1', day(40), 30_000, [Y]),
      referral(Z, Y, 30),
      paid('tmall', 'Y-2', day(20), 20_000, [Y]),
      referral(R, R, 25),
      referral(R, W, 25),
    ]);
  });

  test('the first inviter is credited with what the person spent since, never the later one or oneself', async () => {
    const b = await brought(ws);
    expect(b['138****0011']).toEqual([1, 50_000]); // not the ¥80 spent before the invitation
    expect(b['138****0022']).toEqual([0, 0]);
    // R's own number does not count; W, not yet seen, is nobody yet.
    expect(b['138****0044']).toEqual([0, 0]);
    await expectRebuildAgrees(ws);
  });

  test('a refund lowers the inviter’s credit, and an invitee showing up later is credited', async () => {
    await ingest(ws, [refund('Y-2', 5_000, 10, Y), paid('jd', 'W-1', day(5), 12_000, [W])]);
    const b = await brought(ws);
    expect(b['138****0011']).toEqual([1, 45_000]);
    expect(b['138****0044']).toEqual([1, 12_000]);
    await expectRebuildAgrees(ws);
  });

  test('what the people brought spent raises the social value and explains it', async () => {
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    const scores = async (who: string) => {
      const { rows } = await sql<{ customer_id: number }>`
        select customer_id from identities where workspace_id = ${ws.id} and masked = ${who}`.execute(h.db);
      const s = await getCustomerScores(h.db, ws, rows[0]!.customer_id, NOW);
      if (!s.scored) {
        throw new Error(`${who} is not scored`);
      }
      return s;
    };
    const [x, z] = [await scores('138****0011'), await scores('138****0022')];
    // One invitation each; only X's brought a buyer.
    expect(x.values.social.parts.find((p) => p.input === 'referrals')?.value).toBe(1);
    expect(z.values.social.parts.find((p) => p.input === 'referrals')?.value).toBe(1);
    expect(x.values.social.score).toBeGreaterThan(z.values.social.score);
    expect(x.values.social.raw).toBeCloseTo(20 * Math.log1p(5 + 0.0005 * 45_000), 9);
    expect(x.values.social.parts).toEqual(
      expect.arrayContaining([
        { input: 'brought_fen', value: 45_000, contribution: expect.any(Number) },
        { input: 'brought_people', value: 1, contribution: null },
      ]),
    );
    const contribution = x.values.social.parts.find((p) => p.input === 'brought_fen')?.contribution;
    expect(contribution).toBeGreaterThan(0);
  });

  test('an earlier invitation reported late takes the person over', async () => {
    await ingest(ws, [referral(V, Y, 55)]);
    const b = await brought(ws);
    expect(b['138****0066']).toEqual([1, 45_000]);
    expect(b['138****0011']).toEqual([0, 0]);
    await expectRebuildAgrees(ws);
  });
});

describe('people brought through merges', () => {
  test('one person named by two inviters under two identities goes to the earlier once merged, and back on undo', async () => {
    const ws = await createTestWorkspace(h, 'people-brought-merge');
    const A = phone('13800000077');
    const B = phone('13800000088');
    const P = phone('13800000099');
    const N = nick('小鹿爱喝茶');
    await ingest(ws, [
      referral(A, P, 50),
      paid('tmall', 'P-1', day(48), 10_000, [P]),
      paid('taobao', 'N-1', day(45), 30_000, [N]),
      referral(B, N, 40),
      paid('taobao', 'N-2', day(30), 50_000, [N]),
    ]);
    const before = await brought(ws);
    // Two people for now, each credited to whoever named them, with what they spent since.
    expect(before['138****0077']).toEqual([1, 10_000]);
    expect(before['138****0088']).toEqual([1, 50_000]);

    await ingest(ws, [linked('link-P-N', day(20), [P, N])]);
    const merged = await brought(ws);
    expect(merged['138****0077']).toEqual([1, 90_000]);
    expect(merged['138****0088']).toEqual([0, 0]);
    await expectRebuildAgrees(ws);

    const { rows } = await sql<{ id: number }>`
      select id from identity_moves where workspace_id = ${ws.id} and reason = 'merge'`.execute(h.db);
    expect(rows).toHaveLength(1);
    await undoMerge(h.db, ws, rows[0]!.id, 'test');
    expect(await brought(ws)).toEqual(before);
    await expectRebuildAgrees(ws);
  });
});
