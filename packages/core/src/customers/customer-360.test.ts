import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { nick, paid, phone, wecom } from '../testing/events.ts';
import { createTestDb, createTestWorkspace } from '../testing/test-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { findCustomers } from './find-customers.ts';
import { getCustomer360 } from './get-customer-360.ts';

let h: DbHandle;
let ws: Workspace;
let id: number;
beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h);
  const chats = Array.from({ length: 7 }, (_, i) => ({
    id: `m${i}`,
    source: 'wecom',
    kind: 'message.sent',
    occurred_at: `2026-05-0${i + 1}T09:00:00+08:00`,
    identities: [wecom('wmAmy')],
    properties: { community_id: 'g1', length: 12 },
  }));
  const results = await ingestEvents(h.db, ws, [
    paid('tmall', 'T1', '2026-04-01T10:00:00+08:00', 12900, [
      phone('13812345678'),
      nick('amy_tb'),
      wecom('wmAmy'),
    ]),
    ...chats,
  ]);
  id = (results[0] as { customer_id: number }).customer_id;
});
afterAll(() => h.close());

describe('customer 360', () => {
  test('identities are masked for a viewer who may not unmask, and asking is refused', async () => {
    const masked = await getCustomer360(h.db, ws, id, { viewer: { actor: 'k1', canUnmask: false } });
    expect(masked.identities.map((i) => i.value)).toEqual(['138****5678', 'a***b', 'w***y']);
    await expect(
      getCustomer360(h.db, ws, id, { viewer: { actor: 'k1', canUnmask: false }, unmask: true }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  test('unmasking shows the values and is audited', async () => {
    const open = await getCustomer360(h.db, ws, id, {
      viewer: { actor: 'api_key:9', canUnmask: true },
      unmask: true,
    });
    expect(open.identities.map((i) => i.value)).toEqual(['13812345678', 'amy_tb', 'wmAmy']);
    const audit = await h.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'api_key:9', action: 'customer.unmask', target: `customer:${id}` }),
    ]);
  });

  test('the timeline is paged newest first with a cursor', async () => {
    const viewer = { actor: 'k', canUnmask: false };
    const first = await getCustomer360(h.db, ws, id, { viewer, timeline: { limit: 3 } });
    expect(first.timeline.events.map((e) => e.event_id)).toEqual(['m6', 'm5', 'm4']);
    const second = await getCustomer360(h.db, ws, id, {
      viewer,
      timeline: { limit: 10, cursor: first.timeline.next_cursor! },
    });
    expect(second.timeline.events.map((e) => e.event_id)).toEqual(['m3', 'm2', 'm1', 'm0', 'tmall-T1']);
    expect(second.timeline.next_cursor).toBeNull();
  });

  test('search finds the customer by any spelling of the phone, by nick, and not across workspaces', async () => {
    expect(await findCustomers(h.db, ws, { q: '+86 138-1234-5678' })).toEqual([id]);
    expect(await findCustomers(h.db, ws, { q: 'amy_tb' })).toEqual([id]);
    expect(await findCustomers(h.db, ws, { q: 'amy_tb', kind: 'jd_pin' })).toEqual([]);
    expect(await findCustomers(h.db, ws, { q: 'wmAmy', scope: 'ww_test' })).toEqual([id]);
    const other = await createTestWorkspace(h, 'elsewhere');
    expect(await findCustomers(h.db, other, { q: '13812345678' })).toEqual([]);
  });

  test('an unknown id is not found, in this workspace or another', async () => {
    await expect(
      getCustomer360(h.db, ws, 999999, { viewer: { actor: 'k', canUnmask: false } }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    const other = await createTestWorkspace(h, 'another');
    await expect(
      getCustomer360(h.db, other, id, { viewer: { actor: 'k', canUnmask: false } }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
