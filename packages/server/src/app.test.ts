import { createApiKey, type DbHandle, type Workspace } from '@hatchery/core';
import { createTestDb, createTestWorkspace, snapshotTables, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './app.ts';

let h: DbHandle;
let ws: Workspace;
let key: string;
let unmaskKey: string;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h);
  key = (await createApiKey(h.db, ws, { name: 'sync' })).key;
  unmaskKey = (await createApiKey(h.db, ws, { name: 'admin', canUnmask: true })).key;
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
});
afterAll(() => h.close());

const order = (id: string, phone = '13800000001') => ({
  id,
  source: 'tmall',
  kind: 'order.paid',
  occurred_at: '2026-03-01T10:00:00+08:00',
  identities: [{ kind: 'phone', value: phone }],
  properties: { shop: 'tmall', order_id: id, amount_fen: 9900 },
});

function post(body: string, auth = key) {
  return app.request('/v1/events', {
    method: 'POST',
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    body,
  });
}

describe('POST /v1/events', () => {
  test('answers each event; good ones land even when others are rejected', async () => {
    const res = await post(
      JSON.stringify({ events: [order('A1'), { ...order('A2'), kind: 'order.teleported' }] }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { summary: unknown; results: { status: string }[] };
    expect(body.summary).toEqual({ stored: 1, duplicate: 0, conflict: 0, rejected: 1 });
    expect(body.results[1]).toMatchObject({ status: 'rejected', errors: [{ path: 'kind' }] });
  });

  test.each([
    ['malformed JSON', '{"events": [', 400, 'invalid_request'],
    ['no events array', '{"evnts": []}', 400, 'invalid_request'],
    ['an empty batch', '{"events": []}', 400, 'invalid_request'],
    [
      'an oversize batch',
      JSON.stringify({ events: Array.from({ length: 1001 }, (_, i) => order(`big${i}`)) }),
      413,
      'batch_too_large',
    ],
  ])('%s is refused with a code and stores nothing', async (_, body, status, code) => {
    const before = await snapshotTables(h.db);
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
    expect(await snapshotTables(h.db)).toEqual(before);
  });

  test('a body over the size limit is refused before it is read whole', async () => {
    const res = await post(`{"events":["${'x'.repeat(9 * 1024 * 1024)}"]}`);
    expect(res.status).toBe(413);
  });

  test.each([
    ['no key', undefined],
    ['an unknown key', 'hk_unknown'],
  ])('%s is unauthorized', async (_, auth) => {
    const res = await app.request('/v1/events', {
      method: 'POST',
      headers: auth ? { authorization: `Bearer ${auth}` } : {},
      body: JSON.stringify({ events: [order('U1')] }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  test('a revoked key is unauthorized and stores nothing', async () => {
    const { id, key: doomed } = await createApiKey(h.db, ws, { name: 'old' });
    await h.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    const before = await snapshotTables(h.db);
    expect((await post(JSON.stringify({ events: [order('R1')] }), doomed)).status).toBe(401);
    expect(await snapshotTables(h.db)).toEqual(before);
  });
});

describe('customers and merges', () => {
  test('search, 360 masked by default, unmask only with a key that may', async () => {
    await post(JSON.stringify({ events: [order('C1', '13900000009')] }));
    const auth = { authorization: `Bearer ${key}` };
    const found = (await (await app.request('/v1/customers?q=139-0000-0009', { headers: auth })).json()) as {
      customer_ids: number[];
    };
    expect(found.customer_ids).toHaveLength(1);
    const id = found.customer_ids[0];
    const masked = (await (await app.request(`/v1/customers/${id}`, { headers: auth })).json()) as {
      identities: { value: string }[];
    };
    expect(masked.identities[0]?.value).toBe('139****0009');
    expect((await app.request(`/v1/customers/${id}?unmask=true`, { headers: auth })).status).toBe(403);
    const open = await app.request(`/v1/customers/${id}?unmask=true`, {
      headers: { authorization: `Bearer ${unmaskKey}` },
    });
    expect(((await open.json()) as { identities: { value: string }[] }).identities[0]?.value).toBe(
      '13900000009',
    );
  });

  test('merge conflicts are listed for review, paged, newest first', async () => {
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const link = (id: string, identities: unknown[]) => ({
      id,
      kind: 'identity.linked',
      occurred_at: '2026-03-02T00:00:00Z',
      identities,
    });
    const events = [
      link('u1', [
        { kind: 'wechat_unionid', value: 'oU-1' },
        { kind: 'phone', value: '13700000001' },
      ]),
      link('u2', [
        { kind: 'wechat_unionid', value: 'oU-2' },
        { kind: 'jd_pin', value: 'pin-2' },
      ]),
      link('x1', [
        { kind: 'phone', value: '13700000001' },
        { kind: 'jd_pin', value: 'pin-2' },
      ]),
      link('x2', [
        { kind: 'wechat_unionid', value: 'oU-1' },
        { kind: 'wechat_unionid', value: 'oU-3' },
      ]),
    ];
    await app.request('/v1/events', { method: 'POST', headers: auth, body: JSON.stringify({ events }) });
    const page = async (query: string) =>
      (await (await app.request(`/v1/merge-conflicts${query}`, { headers: auth })).json()) as {
        conflicts: { record: { event_id: string }; kinds: string[]; status: string }[];
        next_before: number | null;
      };
    const first = await page('?limit=1&status=open');
    expect(first.conflicts.map((c) => [c.record.event_id, c.kinds])).toEqual([['x2', ['wechat_unionid/']]]);
    const second = await page(`?limit=1&before=${first.next_before}`);
    expect(second.conflicts.map((c) => c.record.event_id)).toEqual(['x1']);
    expect(second.next_before).toBeNull();
    expect((await app.request('/v1/merge-conflicts?status=maybe', { headers: auth })).status).toBe(400);
  });

  test('bad ids and unknown customers get clear errors', async () => {
    const auth = { authorization: `Bearer ${key}` };
    expect((await app.request('/v1/customers/abc', { headers: auth })).status).toBe(400);
    expect((await app.request('/v1/customers/424242', { headers: auth })).status).toBe(404);
    expect((await app.request('/v1/merges/424242/undo', { method: 'POST', headers: auth })).status).toBe(404);
    expect((await app.request('/v1/nowhere', { headers: auth })).status).toBe(404);
  });
});
