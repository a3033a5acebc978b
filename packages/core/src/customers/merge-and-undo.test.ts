import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { linked, nick, paid, phone, pin, unionid, wecom } from '../testing/events.ts';
import { snapshotTables } from '../testing/snapshot.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { getCustomer360 } from './get-customer-360.ts';
import { undoMerge } from './undo-merge.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const viewer = { actor: 'test', canUnmask: true };
const P = '13800138000';

const tmallOrder = paid('tmall', 'TM-1', '2026-02-01T12:00:00+08:00', 29900, [nick('小鹿爱美丽'), phone(P)]);
const jdOrder = paid('jd', 'JD-1', '2026-02-03T12:00:00+08:00', 15900, [pin('jd_deer')]);
const packageCard = linked('card-1', '2026-02-05T12:00:00+08:00', [pin('jd_deer'), wecom('wmDeer')]);
const joined = {
  id: 'join-1',
  source: 'wecom',
  kind: 'community.joined',
  occurred_at: '2026-02-05T12:05:00+08:00',
  identities: [wecom('wmDeer')],
  properties: { community_id: 'g1', community_name: '小鹿美肌福利1群', via: 'package_card' },
};
// The second JD order carries the phone: now the JD buyer and the Tmall buyer are one person.
const jdOrder2 = paid('jd', 'JD-2', '2026-03-01T12:00:00+08:00', 9900, [pin('jd_deer'), phone(`+86 ${P}`)]);

async function customerOf(ws: Workspace, orderId: string) {
  const row = await h.db
    .selectFrom('orders')
    .select('customer_id')
    .where('workspace_id', '=', ws.id)
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return row.customer_id;
}

describe('one customer across Tmall, JD and WeCom', () => {
  test('the same phone merges the shops and the WeCom contact into one profile; undo restores two exactly', async () => {
    const ws = await createTestWorkspace(h, 'merge-seq');
    await ingestEvents(h.db, ws, [tmallOrder]);
    await ingestEvents(h.db, ws, [jdOrder]);
    await ingestEvents(h.db, ws, [packageCard, joined]);
    const tmallBuyer = await customerOf(ws, 'TM-1');
    const jdBuyer = await customerOf(ws, 'JD-1');
    expect(tmallBuyer).not.toBe(jdBuyer);
    const before = await snapshotTables(h.db);

    await ingestEvents(h.db, ws, [jdOrder2]);
    const profile = await getCustomer360(h.db, ws, jdBuyer, { viewer });
    expect(profile.id).toBe(tmallBuyer);
    expect(profile.shops.map((s) => [s.shop, s.orders, s.paid_fen])).toEqual([
      ['jd', 2, 25800],
      ['tmall', 1, 29900],
    ]);
    expect(profile.identities.map((i) => i.kind).sort()).toEqual([
      'jd_pin',
      'phone',
      'taobao_nick',
      'wecom_external_userid',
    ]);
    expect(profile.communities).toEqual([expect.objectContaining({ id: 'g1', member: true })]);
    const merge = profile.merges.find((m) => m.reason === 'merge');
    expect(merge).toMatchObject({
      from_customer_id: jdBuyer,
      to_customer_id: tmallBuyer,
      record: { source: 'jd', event_id: 'jd-JD-2' },
    });

    await undoMerge(h.db, ws, merge!.id, 'operator:test');
    const after = await snapshotTables(h.db);
    for (const table of ['customers', 'identities', 'community_members'] as const) {
      expect(after[table]).toEqual(before[table]);
    }
    // Every event and order that existed before the merge is back with its own customer.
    const keyed = (rows: unknown[]) =>
      new Map((rows as { id?: number; order_id?: string }[]).map((r) => [r.id ?? r.order_id, r]));
    const beforeEvents = keyed(before.events!);
    for (const [id, row] of keyed(after.events!)) {
      if (beforeEvents.has(id)) {
        expect(row).toEqual(beforeEvents.get(id));
      }
    }
    expect((await getCustomer360(h.db, ws, jdBuyer, { viewer })).id).toBe(jdBuyer);
    expect(await customerOf(ws, 'JD-2')).toBe(jdBuyer); // the merging order came with the JD pin
    expect(await customerOf(ws, 'TM-1')).toBe(tmallBuyer);
    await expect(undoMerge(h.db, ws, merge!.id, 'operator:test')).rejects.toMatchObject({ code: 'conflict' });
    const audit = await h.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ws.id).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'merge.undo', actor: 'operator:test' })]);
  });

  test('all in one batch is the same profile, and its merge can be undone too', async () => {
    const ws = await createTestWorkspace(h, 'merge-batch');
    const results = await ingestEvents(h.db, ws, [tmallOrder, jdOrder, packageCard, joined, jdOrder2]);
    expect(new Set(results.map((r) => (r as { customer_id: number }).customer_id)).size).toBe(1);
    const [profileId] = new Set(results.map((r) => (r as { customer_id: number }).customer_id));
    const profile = await getCustomer360(h.db, ws, profileId!, { viewer });
    const merge = profile.merges.find((m) => m.reason === 'merge')!;
    await undoMerge(h.db, ws, merge.id, 'operator:test');
    expect(await customerOf(ws, 'TM-1')).not.toBe(await customerOf(ws, 'JD-1'));
  });

  test('masked phones never match anything', async () => {
    const ws = await createTestWorkspace(h, 'masked');
    await ingestEvents(h.db, ws, [
      paid('taobao', 'M1', '2026-02-01T00:00:00Z', 100, [nick('amy'), phone('138****8000')]),
      paid('taobao', 'M2', '2026-02-01T00:00:00Z', 100, [nick('bob'), phone('138****8000')]),
    ]);
    expect(await customerOf(ws, 'M1')).not.toBe(await customerOf(ws, 'M2'));
    const identities = await h.db
      .selectFrom('identities')
      .select('kind')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(identities.map((i) => i.kind)).toEqual(['taobao_nick', 'taobao_nick']);
  });

  test('a record that would give one person two unionids merges nothing and is recorded for review', async () => {
    const ws = await createTestWorkspace(h, 'conflict');
    await ingestEvents(h.db, ws, [
      linked('a', '2026-02-01T00:00:00Z', [unionid('oU-anna'), phone('13900000001')]),
      linked('b', '2026-02-02T00:00:00Z', [unionid('oU-bella'), pin('bella')]),
    ]);
    const before = await snapshotTables(h.db);
    await ingestEvents(h.db, ws, [linked('c', '2026-02-03T00:00:00Z', [phone('13900000001'), pin('bella')])]);
    const after = await snapshotTables(h.db);
    expect(after.identities).toEqual(before.identities);
    expect(after.identity_moves).toEqual(before.identity_moves);
    const conflicts = await h.db
      .selectFrom('merge_conflicts')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(conflicts).toEqual([
      expect.objectContaining({
        source: 'api',
        event_id: 'c',
        status: 'open',
        detail: { kinds: ['wechat_unionid/'] },
      }),
    ]);
  });
});
