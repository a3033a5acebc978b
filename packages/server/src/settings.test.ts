/** The workspace's settings over HTTP: its time zone (and what moving it rebuilds), and its API keys. */
import {
  createApiKey,
  type DbHandle,
  ingestEvents,
  LAST_USED_RESOLUTION_MS,
  type Workspace,
} from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './app.ts';
import { logInEveryRole } from './test-logins.ts';

let h: DbHandle;
let ws: Workspace;
let other: Workspace;
let app: ReturnType<typeof createApp>;
let key: string;
let otherKeyId: number;
const PASSWORD = 'a long enough password';
const ROLES = ['admin', 'operator', 'analyst', 'viewer'] as const;
type Who = (typeof ROLES)[number] | { key: string };
let cookies: Record<string, string> = {};

/** Two orders an hour apart across midnight in Shanghai: two purchase days there, one in UTC. */
const aroundMidnight = (phone: string, id: string) => [
  order(`${id}-a`, phone, '2026-03-01T23:30:00+08:00'),
  order(`${id}-b`, phone, '2026-03-02T00:30:00+08:00'),
];
function order(id: string, phone: string, at: string) {
  return {
    id,
    source: 'tmall',
    kind: 'order.paid',
    occurred_at: at,
    identities: [{ kind: 'phone', value: phone }],
    properties: { shop: 'tmall', order_id: id, amount_fen: 10_000 },
  };
}

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h, 'shop');
  other = await createTestWorkspace(h, 'other');
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
  key = (await createApiKey(h.db, ws, { name: 'ops', actor: 'cli' })).key;
  otherKeyId = (await createApiKey(h.db, other, { name: 'theirs' })).id;
  cookies = await logInEveryRole(app, h.db, ws, ROLES, PASSWORD);
  await ingestEvents(h.db, ws, aroundMidnight('13800000001', 'before'));
});
afterAll(() => h.close());

function call(who: Who, method: string, path: string, body?: unknown) {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (typeof who === 'object') {
    headers.set('authorization', `Bearer ${who.key}`);
  } else {
    headers.set('cookie', `hatchery_session=${cookies[who]}`);
    headers.set('x-hatchery-request', '1');
  }
  return app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

type AuditEntry = { actor: string; action: string; target: string; detail: Record<string, unknown> };
async function audit(action: string): Promise<AuditEntry[]> {
  const page = await json<{ entries: AuditEntry[] }>(call('admin', 'GET', '/v1/audit?limit=200'));
  return page.entries.filter((e) => e.action === action);
}

async function count(filter: unknown): Promise<number> {
  return (await json<{ count: number }>(call('viewer', 'POST', '/v1/segments/preview', { filter }))).count;
}

async function waitForRun(id: number) {
  for (let i = 0; i < 400; i += 1) {
    const run = await json<{ status: string; step: string; progress: number }>(
      call('viewer', 'GET', `/v1/scoring-runs/${id}`),
    );
    if (run.status !== 'running') {
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the run did not finish');
}

type ShownKey = {
  id: number;
  name: string;
  prefix: string;
  can_unmask: boolean;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

describe('API keys', () => {
  test('an admin makes a key: shown once in full, it works, the list never shows it', async () => {
    const res = await call('admin', 'POST', '/v1/api-keys', { name: ' CRM sync ', can_unmask: true });
    expect(res.status).toBe(201);
    const made = await json<ShownKey & { key: string }>(res);
    expect(made).toMatchObject({ name: 'CRM sync', can_unmask: true, created_by: 'operator:admin' });
    expect(made.key).toMatch(/^hk_/);
    expect(made.prefix).toBe(made.key.slice(0, 9));

    // It authenticates, as an API key of this workspace that may unmask.
    const me = await json<{ role: string; workspace: { slug: string } }>(
      call({ key: made.key }, 'GET', '/v1/session'),
    );
    expect(me).toMatchObject({ role: 'api_key', workspace: { slug: 'shop' } });
    const profile = await call({ key: made.key }, 'GET', '/v1/customers/1?unmask=true');
    expect(await json(profile)).toMatchObject({ identities: [{ value: '13800000001' }] });

    const listed = await call('admin', 'GET', '/v1/api-keys');
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(made.key.slice(9));
    expect(text).not.toContain('hash');
    const { keys } = JSON.parse(text) as { keys: ShownKey[] };
    expect(keys.map((k) => [k.name, k.created_by])).toEqual([
      ['ops', 'cli'],
      ['CRM sync', 'operator:admin'],
    ]);
    const shown = keys.find((k) => k.id === made.id)!;
    expect(Object.keys(shown).sort()).toEqual([
      'can_unmask',
      'created_at',
      'created_by',
      'id',
      'last_used_at',
      'name',
      'prefix',
      'revoked_at',
    ]);
    expect(shown.last_used_at).not.toBeNull();
    expect(shown.revoked_at).toBeNull();

    const [entry] = await audit('api_key.create');
    expect(entry).toMatchObject({
      actor: 'operator:admin',
      target: `api_key:${made.id}`,
      detail: { name: 'CRM sync', prefix: made.prefix, can_unmask: true },
    });
    expect(JSON.stringify(entry)).not.toContain(made.key.slice(9));
  });

  test('a key made without can_unmask is refused an unmask', async () => {
    const made = await json<{ key: string; can_unmask: boolean }>(
      call('admin', 'POST', '/v1/api-keys', { name: 'masked' }),
    );
    expect(made.can_unmask).toBe(false);
    expect((await call({ key: made.key }, 'GET', '/v1/customers/1?unmask=true')).status).toBe(403);
    expect((await call({ key: made.key }, 'GET', '/v1/customers/1')).status).toBe(200);
  });

  test('revoking: the key gets 401 from the next request on, stays listed as revoked; audited', async () => {
    const made = await json<{ id: number; key: string }>(
      call('admin', 'POST', '/v1/api-keys', { name: 'to revoke' }),
    );
    expect((await call({ key: made.key }, 'GET', '/v1/customers')).status).toBe(200);
    const res = await call('admin', 'DELETE', `/v1/api-keys/${made.id}`);
    expect(res.status).toBe(200);
    expect(await json<ShownKey>(res)).toMatchObject({ id: made.id, revoked_at: expect.any(String) });
    const refused = await call({ key: made.key }, 'GET', '/v1/customers');
    expect(refused.status).toBe(401);
    expect(await json(refused)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await call('admin', 'DELETE', `/v1/api-keys/${made.id}`)).status).toBe(404);
    const { keys } = await json<{ keys: ShownKey[] }>(call('admin', 'GET', '/v1/api-keys'));
    expect(keys.find((k) => k.id === made.id)?.revoked_at).not.toBeNull();
    expect(await audit('api_key.revoke')).toEqual([
      expect.objectContaining({
        actor: 'operator:admin',
        target: `api_key:${made.id}`,
        detail: { name: 'to revoke', prefix: made.key.slice(0, 9) },
      }),
    ]);
  });

  test("only admins manage keys, never a key itself, and never another workspace's", async () => {
    const cases: [Who, string, string, unknown, number][] = [
      ['operator', 'GET', '/v1/api-keys', undefined, 403],
      ['analyst', 'GET', '/v1/api-keys', undefined, 403],
      ['viewer', 'GET', '/v1/api-keys', undefined, 403],
      ['operator', 'POST', '/v1/api-keys', { name: 'x' }, 403],
      ['analyst', 'POST', '/v1/api-keys', { name: 'x' }, 403],
      ['viewer', 'POST', '/v1/api-keys', { name: 'x' }, 403],
      ['operator', 'DELETE', '/v1/api-keys/1', undefined, 403],
      ['viewer', 'DELETE', '/v1/api-keys/1', undefined, 403],
      [{ key }, 'GET', '/v1/api-keys', undefined, 403],
      [{ key }, 'POST', '/v1/api-keys', { name: 'x' }, 403],
      [{ key }, 'DELETE', '/v1/api-keys/1', undefined, 403],
      ['admin', 'DELETE', `/v1/api-keys/${otherKeyId}`, undefined, 404],
      ['admin', 'DELETE', '/v1/api-keys/abc', undefined, 400],
    ];
    for (const [who, method, path, body, status] of cases) {
      const res = await call(who, method, path, body);
      const name = typeof who === 'object' ? 'key' : who;
      expect([name, method, path, res.status]).toEqual([name, method, path, status]);
    }
    const theirs = await h.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('id', '=', otherKeyId)
      .execute();
    expect(theirs).toEqual([{ revoked_at: null }]);
  });

  test('a bad body is refused with the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'x', can_unmask: 'yes' }, 'can_unmask'],
      [{ name: 'x', key: 'hk_mine' }, '(body)'],
      [{}, 'name'],
    ];
    for (const [body, path] of cases) {
      const res = await call('admin', 'POST', '/v1/api-keys', body);
      expect(res.status).toBe(400);
      const { error } = await json<{ error: { code: string; message: string } }>(res);
      expect(error.code).toBe('invalid_request');
      expect(error.message.startsWith(`${path}:`)).toBe(true);
    }
  });

  test("a key's last use is written at most once per resolution", async () => {
    const { id, key: fresh } = await createApiKey(h.db, ws, { name: 'busy' });
    const lastUsed = async () =>
      (
        await h.db
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    expect(await lastUsed()).toBeNull();
    await call({ key: fresh }, 'GET', '/v1/session');
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await call({ key: fresh }, 'GET', '/v1/session');
    expect(await lastUsed()).toEqual(first);
    const old = new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1000);
    await h.db.updateTable('api_keys').set({ last_used_at: old }).where('id', '=', id).execute();
    await call({ key: fresh }, 'GET', '/v1/session');
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old.getTime());
  });
});

describe('workspace settings', () => {
  test('everyone reads the workspace; only settings.manage changes it', async () => {
    expect(await json(call('viewer', 'GET', '/v1/workspace'))).toMatchObject({
      slug: 'shop',
      name: 'shop',
      time_zone: 'Asia/Shanghai',
    });
    for (const who of ['operator', 'analyst', 'viewer'] as const) {
      const res = await call(who, 'PUT', '/v1/workspace', { time_zone: 'UTC' });
      expect([who, res.status]).toEqual([who, 403]);
    }
    expect((await json<{ time_zone: string }>(call('viewer', 'GET', '/v1/workspace'))).time_zone).toBe(
      'Asia/Shanghai',
    );
  });

  test('bad bodies are refused with the field, and change nothing', async () => {
    const cases: [unknown, string][] = [
      [{ time_zone: 'Mars/Olympus' }, 'time_zone'],
      [{ time_zone: 'asia/shanghai' }, 'time_zone'],
      [{ time_zone: '' }, 'time_zone'],
      [{ time_zone: 8 }, 'time_zone'],
      [{ name: '' }, 'name'],
      [{}, '(body)'],
      [{ time_zone: 'UTC', slug: 'mine' }, '(body)'],
    ];
    for (const [body, path] of cases) {
      const res = await call('admin', 'PUT', '/v1/workspace', body);
      expect(res.status).toBe(400);
      const { error } = await json<{ error: { code: string; message: string } }>(res);
      expect([body, error.code, error.message.split(':')[0]]).toEqual([body, 'invalid_request', path]);
    }
    expect(await audit('workspace.update')).toEqual([]);
  });

  test('a rename is saved and audited, with no run', async () => {
    const res = await call('admin', 'PUT', '/v1/workspace', { name: '小鹿美妆' });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ name: '小鹿美妆', time_zone: 'Asia/Shanghai', run: null });
    expect(await json(call('viewer', 'GET', '/v1/session'))).toMatchObject({
      workspace: { name: '小鹿美妆' },
    });
    expect(await audit('workspace.update')).toEqual([
      expect.objectContaining({
        actor: 'operator:admin',
        target: 'workspace:shop',
        detail: { name: { from: 'shop', to: '小鹿美妆' } },
      }),
    ]);
  });

  test('a new time zone rebuilds the aggregates in it, rescores, and applies to every later request', async () => {
    expect(await count({ field: 'stats.order_days', op: '=', value: 2 })).toBe(1);
    const res = await call('admin', 'PUT', '/v1/workspace', { time_zone: 'UTC' });
    expect(res.status).toBe(202);
    const saved = await json<{ time_zone: string; run: { id: number; status: string } }>(res);
    expect(saved.time_zone).toBe('UTC');
    expect(await waitForRun(saved.run.id)).toMatchObject({ status: 'done', step: 'done', progress: 1 });

    // The two orders fall on one UTC day now: rebuilt, not just rescored.
    expect(await count({ field: 'stats.order_days', op: '=', value: 2 })).toBe(0);
    expect(await count({ field: 'stats.order_days', op: '=', value: 1 })).toBe(1);
    expect(await json(call('viewer', 'GET', '/v1/session'))).toMatchObject({
      workspace: { time_zone: 'UTC' },
    });
    expect(await json(call('viewer', 'GET', '/v1/overview'))).toMatchObject({ time_zone: 'UTC' });
    const scores = await json<{ scored: boolean; run_id?: number }>(
      call('viewer', 'GET', '/v1/customers/1/scores'),
    );
    expect(scores.scored).toBe(true);

    // An import that began before the change still holds the old Workspace: its batches fold in
    // the zone in force (read under the ingest lock), not the one it was started with.
    expect(ws.timeZone).toBe('Asia/Shanghai');
    await ingestEvents(h.db, ws, aroundMidnight('13800000002', 'after'));
    expect(await count({ field: 'stats.order_days', op: '=', value: 1 })).toBe(2);
    expect(await count({ field: 'stats.order_days', op: '=', value: 2 })).toBe(0);

    expect(await audit('workspace.update')).toContainEqual(
      expect.objectContaining({
        actor: 'operator:admin',
        detail: { time_zone: { from: 'Asia/Shanghai', to: 'UTC' } },
      }),
    );
  });

  test('saving the same zone again starts nothing and audits nothing; a key may change it', async () => {
    const before = (await audit('workspace.update')).length;
    const res = await call('admin', 'PUT', '/v1/workspace', { time_zone: 'UTC' });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ run: null });
    expect(await audit('workspace.update')).toHaveLength(before);

    const moved = await call({ key }, 'PUT', '/v1/workspace', { time_zone: 'Asia/Shanghai' });
    expect(moved.status).toBe(202);
    const { run } = await json<{ run: { id: number } }>(moved);
    expect((await waitForRun(run.id)).status).toBe('done');
    expect(await count({ field: 'stats.order_days', op: '=', value: 2 })).toBe(2);
  });
});
