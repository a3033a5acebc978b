import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { linked, nick, paid, phone, wecom } from '../testing/events.ts';
import { advisoryLocksWaiting, holdIngestLock } from '../testing/locks.ts';
import { snapshotTables } from '../testing/snapshot.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { ingestEvents } from './ingest-events.ts';

let h: DbHandle;
let ws: Workspace;
beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h);
});
afterAll(() => h.close());

describe('ingestEvents', () => {
  test('answers every event: stored, rejected with the field and reason', async () => {
    const results = await ingestEvents(h.db, ws, [
      paid('tmall', 'A1', '2026-03-01T10:00:00+08:00', 19900, [phone('13800000001'), nick('amy')]),
      {
        id: 'bad-1',
        kind: 'order.paid',
        occurred_at: '2026-03-01T10:00:00Z',
        identities: [phone('13800000001')],
      },
      {
        id: 'bad-2',
        kind: 'teleport',
        occurred_at: '2026-03-01T10:00:00Z',
        identities: [phone('13800000001')],
      },
      'not an event',
    ]);
    expect(results.map((r) => r.status)).toEqual(['stored', 'rejected', 'rejected', 'rejected']);
    expect(results[1]).toMatchObject({
      id: 'bad-1',
      errors: expect.arrayContaining([expect.objectContaining({ path: 'properties.shop' })]),
    });
    expect(results[2]).toMatchObject({ id: 'bad-2', errors: [expect.objectContaining({ path: 'kind' })] });
    expect(results[3]).toMatchObject({ id: null, status: 'rejected' });
    const events = await h.db.selectFrom('events').select('event_id').execute();
    expect(events.map((e) => e.event_id)).toEqual(['tmall-A1']);
  });

  test('the same event again is a duplicate and changes nothing; a different body is a conflict', async () => {
    const event = paid('tmall', 'A2', '2026-03-02T10:00:00+08:00', 5000, [phone('13800000002')]);
    const [first] = await ingestEvents(h.db, ws, [event]);
    const before = await snapshotTables(h.db);
    const again = await ingestEvents(h.db, ws, [
      event,
      { ...event, identities: [phone('+86 138 0000 0002')] },
      { ...event, properties: { shop: 'tmall', order_id: 'A2', amount_fen: 5001 } },
    ]);
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'conflict']);
    expect(again[0]).toMatchObject({ customer_id: (first as { customer_id: number }).customer_id });
    expect(await snapshotTables(h.db)).toEqual(before);
  });

  test('a load that wrongly assumes its events are new still answers resends and changes nothing', async () => {
    const event = paid('tmall', 'A3', '2026-03-02T11:00:00+08:00', 7000, [phone('13800000003')]);
    const [first] = await ingestEvents(h.db, ws, [event]);
    const before = await snapshotTables(h.db);
    const again = await ingestEvents(
      h.db,
      ws,
      [event, { ...event, properties: { shop: 'tmall', order_id: 'A3', amount_fen: 7001 } }],
      { assumeNew: true },
    );
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'conflict']);
    expect(again[0]).toMatchObject({ customer_id: (first as { customer_id: number }).customer_id });
    expect(await snapshotTables(h.db)).toEqual(before);
  });

  // Resends are looked up before the ingest lock is taken. On PostgreSQL (PGlite runs one
  // transaction at a time) two copies of a batch can both find nothing stored and then wait for
  // the lock: the second to get it meets the events' key and must run again, under the lock.
  test.runIf(process.env.DATABASE_URL)(
    'two copies of a batch that both waited for the lock: one is stored, the other answers duplicate',
    async () => {
      const batch = Array.from({ length: 80 }, (_, i) =>
        paid('jd', `RACE${i}`, '2026-03-03T10:00:00+08:00', 1000 + i, [
          phone(`1390000${String(i).padStart(4, '0')}`),
        ]),
      );
      const holder = await holdIngestLock(h.db, ws.id);
      const copies = [ingestEvents(h.db, ws, batch), ingestEvents(h.db, ws, batch)];
      await advisoryLocksWaiting(h.db, 2);
      holder.release();
      await holder.done;
      const [a, b] = await Promise.all(copies);
      const statuses = [...a!, ...b!].map((r) => r.status);
      expect(statuses.filter((s) => s === 'stored')).toHaveLength(80);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(80);
      a!.forEach((r, i) => {
        expect((r as { customer_id: number }).customer_id).toBe(
          (b![i] as { customer_id: number }).customer_id,
        );
      });
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from events where event_id like 'jd-RACE%'`.execute(h.db);
      expect(rows[0]!.n).toBe(80);
    },
  );

  test('a resend inside one batch is stored once', async () => {
    const event = paid('jd', 'J9', '2026-03-03T10:00:00+08:00', 3000, [phone('13800000009')]);
    const results = await ingestEvents(h.db, ws, [event, event]);
    expect(results.map((r) => r.status)).toEqual(['stored', 'duplicate']);
    expect(results[1]).toMatchObject({ customer_id: (results[0] as { customer_id: number }).customer_id });
    const orders = await h.db.selectFrom('orders').selectAll().where('order_id', '=', 'J9').execute();
    expect(orders).toHaveLength(1);
  });

  test('events with the same id from different sources are different events', async () => {
    const a = { ...linked('same-id', '2026-03-04T00:00:00Z', [phone('13800000010')]), source: 'crm' };
    const b = { ...a, source: 'wecom' };
    expect((await ingestEvents(h.db, ws, [a, b])).map((r) => r.status)).toEqual(['stored', 'stored']);
  });

  test('a batch over 1,000 events is refused whole', async () => {
    const before = await snapshotTables(h.db);
    const batch = Array.from({ length: 1001 }, (_, i) =>
      linked(`x${i}`, '2026-03-01T00:00:00Z', [phone('13800000003')]),
    );
    await expect(ingestEvents(h.db, ws, batch)).rejects.toMatchObject({ code: 'batch_too_large' });
    expect(await snapshotTables(h.db)).toEqual(before);
  });

  test('orders fold payment and refunds, whichever arrives first', async () => {
    const refund = (id: string, fen: number) => ({
      id,
      source: 'tmall',
      kind: 'order.refunded',
      occurred_at: '2026-03-05T10:00:00Z',
      identities: [phone('13800000004')],
      properties: { shop: 'tmall', order_id: 'R1', refund_id: id, amount_fen: fen },
    });
    await ingestEvents(h.db, ws, [refund('rf1', 1000)]);
    let order = await h.db
      .selectFrom('orders')
      .selectAll()
      .where('order_id', '=', 'R1')
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ status: 'refund_only', paid_fen: 0, refunded_fen: 1000 });
    await ingestEvents(h.db, ws, [
      paid('tmall', 'R1', '2026-03-04T10:00:00Z', 5000, [phone('13800000004')]),
      refund('rf2', 500),
      refund('rf2', 500),
    ]);
    order = await h.db
      .selectFrom('orders')
      .selectAll()
      .where('order_id', '=', 'R1')
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ status: 'partially_refunded', paid_fen: 5000, refunded_fen: 1500 });
    await ingestEvents(h.db, ws, [refund('rf3', 3500)]);
    order = await h.db
      .selectFrom('orders')
      .selectAll()
      .where('order_id', '=', 'R1')
      .executeTakeFirstOrThrow();
    expect(order.status).toBe('refunded');
  });

  test('community membership keeps the latest join and leave, in any arrival order', async () => {
    const ev = (id: string, kind: 'community.joined' | 'community.left', at: string) => ({
      id,
      source: 'wecom',
      kind,
      occurred_at: at,
      identities: [wecom('wm-member-1')],
      properties:
        kind === 'community.joined'
          ? { community_id: 'g1', community_name: '福利1群' }
          : { community_id: 'g1' },
    });
    await ingestEvents(h.db, ws, [ev('j2', 'community.joined', '2026-04-01T00:00:00Z')]);
    await ingestEvents(h.db, ws, [
      ev('l1', 'community.left', '2026-03-15T00:00:00Z'),
      ev('j1', 'community.joined', '2026-03-01T00:00:00Z'),
    ]);
    const m = await h.db.selectFrom('community_members').selectAll().executeTakeFirstOrThrow();
    expect(m.joined_at?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(m.left_at?.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    const c = await h.db.selectFrom('communities').selectAll().executeTakeFirstOrThrow();
    expect(c.name).toBe('福利1群');
  });

  test('identities are stored encrypted and hashed, never in the clear', async () => {
    await ingestEvents(h.db, ws, [paid('tmall', 'P1', '2026-03-06T10:00:00Z', 100, [phone('13912345678')])]);
    const dump = JSON.stringify(await snapshotTables(h.db), (_, v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(dump).toContain('139****5678');
    expect(dump).not.toContain('13912345678');
  });

  test('workspaces are isolated: the same phone in another brand is another customer', async () => {
    const other = await createTestWorkspace(h, 'other-brand');
    const [a] = await ingestEvents(h.db, ws, [linked('iso', '2026-03-01T00:00:00Z', [phone('13800000005')])]);
    const [b] = await ingestEvents(h.db, other, [
      linked('iso', '2026-03-01T00:00:00Z', [phone('13800000005')]),
    ]);
    expect(a?.status).toBe('stored');
    expect(b?.status).toBe('stored');
    expect((a as { customer_id: number }).customer_id).not.toBe((b as { customer_id: number }).customer_id);
  });
});
