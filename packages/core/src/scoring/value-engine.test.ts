/**
 * The value engine on hand-built workspaces where the right answer is obvious: the heavy buyer
 * who never speaks, the light buyer who posts every week and brings friends, the silent crowd.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { paid, phone } from '../testing/events.ts';
import { advisoryLocksWaiting, holdIngestLock } from '../testing/locks.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { getCustomerScores } from './get-customer-scores.ts';
import { listRankings } from './list-rankings.ts';
import { rebuildAggregates } from './rebuild-aggregates.ts';
import { rescoreWorkspace } from './rescore-workspace.ts';
import { saveValueModel } from './save-value-model.ts';
import { DEFAULT_VALUE_MODEL } from './value-model.schema.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const NOW = new Date('2026-11-30T12:00:00+08:00');
const day = (daysAgo: number, hour = 10) =>
  new Date(NOW.getTime() - daysAgo * 86_400_000 + (hour - 12) * 3_600_000).toISOString();

let seq = 0;
function event(
  kind: EventInput['kind'],
  who: string,
  at: string,
  properties: Record<string, unknown>,
): EventInput {
  seq += 1;
  return { id: `e${seq}`, kind, occurred_at: at, identities: [phone(who)], properties };
}
const message = (who: string, daysAgo: number) =>
  event('message.sent', who, day(daysAgo), { community_id: 'g1', message_type: 'text', length: 12 });

async function ingest(ws: Workspace, events: EventInput[]) {
  for (let i = 0; i < events.length; i += 1000) {
    const outcomes = await ingestEvents(h.db, ws, events.slice(i, i + 1000), { now: NOW });
    expect(outcomes.filter((o) => o.status !== 'stored')).toEqual([]);
  }
}

async function scoresByPhone(ws: Workspace) {
  const { rows } = await sql<Record<string, unknown> & { phone: string }>`
    select i.masked as phone, s.* from customer_scores s
    join identities i on i.workspace_id = s.workspace_id and i.customer_id = s.customer_id and i.kind = 'phone'
    where s.workspace_id = ${ws.id}`.execute(h.db);
  return new Map(rows.map((r) => [r.phone, r]));
}

async function tagsOf(ws: Workspace, masked: string) {
  const { rows } = await sql<{ tag: string }>`
    select t.tag from customer_tags t
    join identities i on i.workspace_id = t.workspace_id and i.customer_id = t.customer_id and i.kind = 'phone'
    where t.workspace_id = ${ws.id} and i.masked = ${masked} order by t.tag`.execute(h.db);
  return rows.map((r) => r.tag);
}

describe('four values on obvious cases', () => {
  let ws: Workspace;
  const HEAVY = '13900000001'; // buys a lot in two shops, never says a word
  const CREATOR = '13900000002'; // bought once, posts weekly, shares, brings friends, chats daily
  beforeAll(async () => {
    ws = await createTestWorkspace(h, 'four-values');
    const events: EventInput[] = [];
    for (let n = 0; n < 12; n += 1) {
      events.push(paid(n % 2 ? 'tmall' : 'jd', `H${n}`, day(10 + n * 14), 150_000, [phone(HEAVY)]));
    }
    events.push(paid('miniapp', 'C1', day(40), 9_900, [phone(CREATOR)]));
    for (let week = 0; week < 20; week += 1) {
      const post = `post-${week}`;
      events.push(
        event('content.published', CREATOR, day(week * 7 + 1), { content_id: post, platform: 'xhs' }),
      );
      events.push(
        event('content.metrics', CREATOR, day(week * 7), {
          content_id: post,
          exposure: 3000,
          likes: 120,
          comments: 9,
        }),
      );
      events.push(event('share', CREATOR, day(week * 7 + 2), { channel: 'wechat_moments' }));
    }
    for (let d = 0; d < 25; d += 1) {
      events.push(message(CREATOR, d));
    }
    for (let friend = 0; friend < 4; friend += 1) {
      events.push(event('referral', CREATOR, day(30 + friend), { invitee: phone(`1370000000${friend}`) }));
    }
    // 40 ordinary customers: one small order each, a few words now and then.
    for (let n = 0; n < 40; n += 1) {
      const who = `1360000${String(n).padStart(4, '0')}`;
      events.push(paid('taobao', `O${n}`, day(20 + n * 3), 20_000 + n * 500, [phone(who)]));
      if (n % 4 === 0) {
        events.push(message(who, n));
      }
    }
    await ingest(ws, events);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
  });

  test('the heavy buyer leads on consumption and has no interaction, content or social value', async () => {
    const heavy = (await scoresByPhone(ws)).get('139****0001')!;
    expect(heavy).toMatchObject({
      r: 5,
      f: 5,
      m: 5,
      rfm_group: 'important_value',
      interaction: 0,
      content: 0,
    });
    expect(heavy.social).toBe(0);
    expect(heavy.consumption).toBeGreaterThanOrEqual(95);
    expect(heavy.koc_candidate).toBe(false);
    expect(await tagsOf(ws, '139****0001')).toEqual(['activity:silent', 'shop:jd', 'shop:tmall']);
  });

  test('the light buyer who posts weekly and brings friends is the KOC candidate, ahead of the heavy buyer on total', async () => {
    const scores = await scoresByPhone(ws);
    const creator = scores.get('139****0002')!;
    const heavy = scores.get('139****0001')!;
    expect(creator.content).toBeGreaterThanOrEqual(95);
    expect(creator.social).toBeGreaterThanOrEqual(95);
    expect(creator.interaction).toBeGreaterThanOrEqual(95);
    expect(creator.koc_candidate).toBe(true);
    expect(Number(creator.consumption)).toBeLessThan(Number(heavy.consumption));
    expect(Number(creator.total)).toBeGreaterThan(Number(heavy.total));
    expect(creator.band).toBe('super_user');
    expect(await tagsOf(ws, '139****0002')).toEqual(['activity:very_active', 'shop:miniapp']);
    const koc = [...scores.values()].filter((s) => s.koc_candidate);
    expect(koc.map((s) => s.phone)).toEqual(['139****0002']);
  });

  test('people without any signal score 0; the occasional talkers are tagged occasional', async () => {
    const scores = await scoresByPhone(ws);
    const quiet = scores.get('136****0001')!;
    expect(quiet).toMatchObject({ interaction: 0, content: 0, social: 0 });
    expect(await tagsOf(ws, '136****0004')).toEqual(['activity:occasional', 'shop:taobao']);
    expect(await tagsOf(ws, '136****0001')).toEqual(['activity:silent', 'shop:taobao']);
  });

  test('a new message shows in the tags and the interaction score at once, keeping the tag it had before', async () => {
    const before = (await scoresByPhone(ws)).get('136****0001')!;
    const { rows: since } = await sql<{ since: Date }>`
      select since from customer_tags where workspace_id = ${ws.id} and tag = 'shop:taobao' limit 1`.execute(
      h.db,
    );
    await ingest(ws, [message('13600000001', 0)]);
    const after = (await scoresByPhone(ws)).get('136****0001')!;
    expect(Number(after.interaction)).toBeGreaterThan(Number(before.interaction));
    expect(await tagsOf(ws, '136****0001')).toEqual(['activity:occasional', 'shop:taobao']);
    const { rows: still } = await sql<{ since: Date }>`
      select since from customer_tags where workspace_id = ${ws.id} and tag = 'shop:taobao' limit 1`.execute(
      h.db,
    );
    expect(still).toEqual(since);
  });
});

/** A workspace of one talker — a Tmall order, messages on each of the last 12 days — scored once. */
async function talkerWorkspace(slug: string, talker: string) {
  const ws = await createTestWorkspace(h, slug);
  await ingest(ws, [
    paid('tmall', 'T1', day(3), 9_900, [phone(talker)]),
    ...Array.from({ length: 12 }, (_, d) => message(talker, d)),
  ]);
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
  return ws;
}

test('a rescoring later on moves the activity tags time has changed, and leaves the shop tags as they were', async () => {
  const ws = await talkerWorkspace('time-passes', '13900000009');
  const held = async () =>
    (
      await sql<{ tag: string; since: Date }>`
        select tag, since from customer_tags where workspace_id = ${ws.id} order by tag`.execute(h.db)
    ).rows;
  const before = await held();
  expect(before.map((t) => t.tag)).toEqual(['activity:active', 'shop:tmall']);

  // Forty days on, with no event in between: silent, since the later run; the shop tag untouched.
  const later = new Date(NOW.getTime() + 40 * 86_400_000);
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: later });
  expect(await held()).toEqual([
    { tag: 'activity:silent', since: later },
    before.find((t) => t.tag === 'shop:tmall'),
  ]);
});

test('a rebuild brings the derived tags back in line: a lost one returns with its reason, a stray one goes', async () => {
  const ws = await talkerWorkspace('tags-repaired', '13900000010');
  const held = async () =>
    (
      await sql<{ customer_id: number; tag: string; since: Date; reason: unknown }>`
        select customer_id, tag, since, reason from customer_tags where workspace_id = ${ws.id}
        order by customer_id, tag`.execute(h.db)
    ).rows;
  const before = await held();
  const talker = before[0]!.customer_id;
  expect(before.map((t) => [t.tag, t.reason])).toEqual([
    // Given as the events arrived, before any run: model version 0.
    ['activity:active', { active_days_30: 12, model_version: 0 }],
    ['shop:tmall', { shop: 'tmall' }],
  ]);

  // The shop tag lost; a shop the talker never bought in, and an activity tag of a customer who has
  // no aggregates, added by hand.
  await sql`delete from customer_tags where workspace_id = ${ws.id} and tag = 'shop:tmall'`.execute(h.db);
  await sql`insert into customer_tags (workspace_id, customer_id, tag, source, since) values
    (${ws.id}, ${talker}, 'shop:jd', 'channel', now()), (${ws.id}, ${talker + 1000}, 'activity:active', 'activity', now())`.execute(
    h.db,
  );
  const later = new Date(NOW.getTime() + 3_600_000);
  await rebuildAggregates(h.db, ws, { now: later });
  expect(await held()).toEqual([
    before[0],
    { customer_id: talker, tag: 'shop:tmall', since: later, reason: { shop: 'tmall' } },
  ]);
});

test('events that arrive while a rescoring writes are neither lost nor overwritten by it', async () => {
  const ws = await createTestWorkspace(h, 'rescore-meanwhile');
  const TALKER = '13900000010';
  // A rival who talks on more days than the talker before the new messages and on fewer after:
  // the talker's interaction then rises past the rival's however it is scored — by the events'
  // own update against the last run's cut-offs, or by a run that starts after them.
  const RIVAL = '13900000020';
  await ingest(ws, [
    paid('tmall', 'T2', day(3), 9_900, [phone(TALKER)]),
    ...Array.from({ length: 40 }, (_, n) =>
      paid('tmall', `C${n}`, day(n), 1_000 + n, [phone(`1380000${`${n}`.padStart(4, '0')}`)]),
    ),
    ...Array.from({ length: 6 }, (_, d) => message(TALKER, d)),
    ...Array.from({ length: 12 }, (_, d) => message(RIVAL, d)),
  ]);
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
  expect(await tagsOf(ws, '139****0010')).toEqual(['activity:active', 'shop:tmall']);
  const scored = await scoresByPhone(ws);
  const before = scored.get('139****0010')!;
  expect(Number(before.interaction)).toBeLessThan(Number(scored.get('139****0020')!.interaction));
  // Twenty more days of messages, sent while runs find their cut-offs and write: whichever comes
  // first, the talker ends very active, with the interaction the new messages give.
  const more = Array.from({ length: 20 }, (_, d) => message(TALKER, d + 6));
  const [run] = await Promise.all([
    rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW }),
    (async () => {
      for (let i = 0; i < more.length; i += 5) {
        await ingest(ws, more.slice(i, i + 5));
      }
    })(),
    rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW }),
  ]);
  expect(run.customers).toBe(42);
  expect(await tagsOf(ws, '139****0010')).toEqual(['activity:very_active', 'shop:tmall']);
  const after = (await scoresByPhone(ws)).get('139****0010')!;
  expect(Number(after.interaction)).toBeGreaterThan(Number(before.interaction));
  const { rows } = await sql<{ status: string }>`
    select status from scoring_runs where workspace_id = ${ws.id}`.execute(h.db);
  expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
});

// PGlite runs one transaction at a time, so only a server can show the parts waiting together.
test.runIf(process.env.DATABASE_URL)(
  "a rescoring's scores and tags wait together for a batch being stored; an event sent meanwhile waits for them",
  async () => {
    const ws = await createTestWorkspace(h, 'rescore-waits');
    const TALKER = '13900000011';
    await ingest(ws, [
      paid('tmall', 'T3', day(3), 9_900, [phone(TALKER)]),
      ...Array.from({ length: 6 }, (_, d) => message(TALKER, d)),
    ]);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    const storing = await holdIngestLock(h.db, ws.id);
    const run = rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    await advisoryLocksWaiting(h.db, 2);
    const sent = ingest(
      ws,
      Array.from({ length: 12 }, (_, d) => message(TALKER, d + 6)),
    );
    await advisoryLocksWaiting(h.db, 3);
    storing.release();
    await Promise.all([storing.done, run, sent]);
    expect(await tagsOf(ws, '139****0011')).toEqual(['activity:very_active', 'shop:tmall']);
  },
);

describe('explanations, rankings and weights', () => {
  let ws: Workspace;
  const customerOf = async (masked: string) => {
    const { rows } = await sql<{ customer_id: number }>`
      select customer_id from identities where workspace_id = ${ws.id} and masked = ${masked}`.execute(h.db);
    return rows[0]!.customer_id;
  };
  beforeAll(async () => {
    ws = await createTestWorkspace(h, 'explain');
    const events: EventInput[] = [];
    for (let n = 0; n < 30; n += 1) {
      const who = `1350000${String(n).padStart(4, '0')}`;
      events.push(paid('tmall', `T${n}`, day(5 + n), 10_000 * (n + 1), [phone(who)]));
      for (let d = 0; d < n % 7; d += 1) {
        events.push(message(who, d));
      }
      if (n % 5 === 0) {
        events.push(event('share', who, day(3), {}));
      }
    }
    await ingest(ws, events);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
  });

  test('every value explains itself: inputs add up to the raw signal, weights to the total', async () => {
    const id = await customerOf('135****0026');
    const explained = await getCustomerScores(h.db, ws, id, NOW);
    if (!explained.scored) {
      throw new Error('expected scores');
    }
    const values = Object.values(explained.values);
    for (const v of values) {
      const parts = v.parts.filter((p) => p.contribution !== null);
      expect(parts.reduce((n, p) => n + (p.contribution ?? 0), 0)).toBeCloseTo(v.raw, 9);
    }
    expect(values.reduce((n, v) => n + v.contribution, 0)).toBeCloseTo(explained.total, 4);
    expect(explained.values.consumption.weight).toBe(DEFAULT_VALUE_MODEL.weights.consumption);
    expect(explained.rfm).toMatchObject({ orders: 1, purchase_days: 1, net_fen: 270_000 });
    expect(explained.run.model_version).toBe(0);
    expect(explained.tags.map((t) => t.tag)).toEqual(['activity:active', 'shop:tmall']);
    expect(explained.tags[0]!.reason).toEqual({ active_days_30: 5, model_version: 0 });
  });

  test('rankings page by total without gaps or repeats, each row with its reasons', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let totals: number[] = [];
    for (let page = 0; page < 10; page += 1) {
      const result = await listRankings(h.db, ws, { kind: 'total', limit: 7, cursor });
      seen.push(...result.rows.map((r) => r.customer_id));
      totals = [...totals, ...result.rows.map((r) => r.total)];
      cursor = result.next_cursor ?? undefined;
      if (!cursor) {
        break;
      }
    }
    expect(seen.length).toBe(30);
    expect(new Set(seen).size).toBe(30);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const supers = await listRankings(h.db, ws, { kind: 'super_user', limit: 50 });
    expect(supers.rows.length).toBeGreaterThanOrEqual(1);
    expect(supers.rows[0]!.reasons[0]).toMatchObject({ code: 'super_user', share: 0.01 });
  });

  test('a rescoring rewrites only the rows that changed, and ends where scoring from scratch ends', async () => {
    const rows = async () => {
      const { rows } = await sql<Record<string, unknown> & { customer_id: number }>`
        select * from customer_scores where workspace_id = ${ws.id} order by customer_id`.execute(h.db);
      return rows;
    };
    const before = await rows();
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    // Nothing new: not one row rewritten (run ids and times are those of the first run).
    expect(await rows()).toEqual(before);

    // The least valuable customer becomes the biggest spender: the old super user drops a band.
    const topBefore = before.reduce((a, b) => (Number(b.total) > Number(a.total) ? b : a));
    await ingest(ws, [paid('jd', 'J-big', day(1), 90_000_000, [phone('13500000000')])]);
    const third = await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    const kept = await rows();
    const newcomer = await customerOf('135****0000');
    expect(kept.find((r) => r.customer_id === newcomer)).toMatchObject({ run_id: third.run_id });
    expect(kept.filter((r) => r.band === 'super_user').map((r) => r.customer_id)).not.toContain(
      topBefore.customer_id,
    );

    // The same run from an empty table gives the same scores, bands included.
    await sql`delete from customer_scores where workspace_id = ${ws.id}`.execute(h.db);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    const strip = (list: Record<string, unknown>[]) =>
      list.map(({ run_id: _r, scored_at: _s, ...values }) => values);
    expect(strip(await rows())).toEqual(strip(kept));

    // A customer whose aggregates are gone (a rebuild found no events of theirs) loses the scores too.
    await sql`delete from customer_stats where workspace_id = ${ws.id} and customer_id = ${newcomer}`.execute(
      h.db,
    );
    const fourth = await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    expect((await rows()).map((r) => r.customer_id)).not.toContain(newcomer);
    expect(fourth.changed).toBeGreaterThanOrEqual(1);
    await rebuildAggregates(h.db, ws, { now: NOW });
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    expect(strip(await rows())).toEqual(strip(kept));
  });

  test('every run vacuums the scores and tags (PGlite has no autovacuum)', async () => {
    const pages = async () => {
      const { rows } = await sql<{ relname: string; relpages: number; relallvisible: number }>`
        select relname, relpages, relallvisible from pg_class
        where relname in ('customer_scores', 'customer_tags') order by relname`.execute(h.db);
      return rows;
    };
    // Only a vacuum marks pages all-visible (analyze counts them), and only where no dead row is left.
    const expectAllVisible = async () => {
      const rows = await pages();
      expect(rows.map((r) => r.relname)).toEqual(['customer_scores', 'customer_tags']);
      for (const r of rows) {
        expect(r.relpages).toBeGreaterThan(0);
        expect(r.relallvisible).toBe(r.relpages);
      }
    };
    // Every row deleted and written again: dead rows on every page until a vacuum clears them.
    await sql`delete from customer_scores where workspace_id = ${ws.id}`.execute(h.db);
    const rewrite = await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    expect(rewrite.changed).toBe(rewrite.customers);
    await expectAllVisible();

    // A row updated in place, as an event's own rescoring does, leaves a dead copy (analyze sees
    // its page is no longer all-visible); the next run, which changes nothing, still vacuums it.
    await sql`update customer_scores set scored_at = scored_at
      where workspace_id = ${ws.id} and customer_id = ${await customerOf('135****0003')}`.execute(h.db);
    await sql`analyze customer_scores`.execute(h.db);
    const scores = (await pages()).find((r) => r.relname === 'customer_scores')!;
    expect(scores.relallvisible).toBeLessThan(scores.relpages);
    const next = await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    expect(next.changed).toBe(0);
    await expectAllVisible();
  });

  test('new weights are a new version, and rescoring puts everyone on it', async () => {
    const before = await listRankings(h.db, ws, { kind: 'total', limit: 1 });
    const saved = await saveValueModel(
      h.db,
      ws,
      { ...DEFAULT_VALUE_MODEL, weights: { consumption: 0, interaction: 1, content: 0, social: 0 } },
      'operator:test',
    );
    expect(saved.version).toBe(1);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    const after = await listRankings(h.db, ws, { kind: 'total', limit: 30 });
    expect(after.run?.model_version).toBe(1);
    expect(after.rows.every((r) => r.total === r.interaction)).toBe(true);
    expect(after.rows[0]!.customer_id).not.toBe(before.rows[0]!.customer_id);
    await expect(
      saveValueModel(
        h.db,
        ws,
        { ...DEFAULT_VALUE_MODEL, weights: { consumption: 1, interaction: 1, content: 0, social: 0 } },
        'x',
      ),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
