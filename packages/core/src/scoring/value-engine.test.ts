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
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { rescoreWorkspace } from './rescore-workspace.ts';

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
