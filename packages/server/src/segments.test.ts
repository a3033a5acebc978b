/** Segments, tag rules and manual tags over HTTP: the endpoints, who may use them, bad filters, exports. */
import { createApiKey, type DbHandle, ingestEvents, type Workspace } from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './app.ts';
import { logInEveryRole } from './test-logins.ts';

let h: DbHandle;
let ws: Workspace;
let app: ReturnType<typeof createApp>;
let key: string;
const PASSWORD = 'a long enough password';
const ROLES = ['admin', 'operator', 'analyst', 'viewer'] as const;
type Who = (typeof ROLES)[number] | 'key';
let cookies: Record<string, string> = {};
const EVIL = '=HYPERLINK("http://evil.example","x")';

const order = (id: string, shop: string, identity: { kind: string; value: string }, fen: number) => ({
  id,
  source: shop,
  kind: 'order.paid',
  occurred_at: new Date(Date.now() - 86_400_000).toISOString(),
  identities: [identity],
  properties: { shop, order_id: id, amount_fen: fen },
});

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h, 'shop');
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
  key = (await createApiKey(h.db, ws, { name: 'ops' })).key;
  cookies = await logInEveryRole(app, h.db, ws, ROLES, PASSWORD);
  await ingestEvents(h.db, ws, [
    order('o1', 'tmall', { kind: 'phone', value: '13800000001' }, 50_000),
    order('o2', 'jd', { kind: 'phone', value: '13800000002' }, 9_900),
    order('o3', 'tmall', { kind: 'taobao_nick', value: EVIL }, 12_000),
  ]);
});
afterAll(() => h.close());

function call(who: Who, method: string, path: string, body?: unknown) {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (who === 'key') {
    headers.set('authorization', `Bearer ${key}`);
  } else {
    headers.set('cookie', `hatchery_session=${cookies[who]}`);
    headers.set('x-hatchery-request', '1');
  }
  return app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const TMALL = { field: 'profile.shops', op: 'contains', value: 'tmall' };

describe('segments', () => {
  test('preview counts a filter; a bad one is refused with the path of the bad node', async () => {
    const res = await call('viewer', 'POST', '/v1/segments/preview', { filter: TMALL });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 2 });
    const bad = await call('viewer', 'POST', '/v1/segments/preview', {
      filter: { all: [TMALL, { not: { field: 'stats.orders', op: 'like', value: 1 } }] },
    });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^filter\.all\.1\.not\.op: /);
  });

  test('save, read with count, page, rename, export, delete', async () => {
    const created = await call('analyst', 'POST', '/v1/segments', { name: 'Tmall buyers', filter: TMALL });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect(await (await call('viewer', 'GET', `/v1/segments/${id}`)).json()).toMatchObject({
      name: 'Tmall buyers',
      filter: TMALL,
      count: 2,
      created_by: 'operator:analyst',
    });
    const list = (await (await call('viewer', 'GET', '/v1/segments')).json()) as {
      segments: { id: number }[];
    };
    expect(list.segments.map((s) => s.id)).toEqual([id]);

    const first = (await (await call('viewer', 'GET', `/v1/segments/${id}/customers?limit=1`)).json()) as {
      customers: { customer_id: number; display: string; tags: string[] }[];
      next_cursor: string | null;
    };
    expect(first.customers).toHaveLength(1);
    expect(first.customers[0]?.tags).toContain('shop:tmall');
    const second = (await (
      await call('viewer', 'GET', `/v1/segments/${id}/customers?limit=1&cursor=${first.next_cursor}`)
    ).json()) as typeof first;
    expect(second.customers[0]?.customer_id).toBeGreaterThan(first.customers[0]?.customer_id ?? 0);
    expect((await call('viewer', 'GET', `/v1/segments/${id}/customers?cursor=abc`)).status).toBe(400);

    const csv = await call('analyst', 'GET', `/v1/segments/${id}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="segment-${id}.csv"`);
    const text = await csv.text();
    expect(text).toContain(`"'=HYP`);
    expect(text).not.toMatch(/(^|,)"?=/m);
    const xlsx = await call('key', 'GET', `/v1/segments/${id}/export?format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect((await call('key', 'GET', `/v1/segments/${id}/export?format=pdf`)).status).toBe(400);

    const renamed = await call('operator', 'PUT', `/v1/segments/${id}`, { name: 'Tmall', filter: TMALL });
    expect(renamed.status).toBe(200);
    expect((await renamed.json()) as { updated_by: string }).toMatchObject({
      updated_by: 'operator:operator',
    });
    expect((await call('admin', 'DELETE', `/v1/segments/${id}`)).status).toBe(204);
    expect((await call('admin', 'GET', `/v1/segments/${id}`)).status).toBe(404);
  });

  test('who may: viewers read and count; analysts save and export; nobody else changes rules', async () => {
    const id = (
      (await (await call('key', 'POST', '/v1/segments', { name: 'all', filter: { all: [] } })).json()) as {
        id: number;
      }
    ).id;
    const expectations: [Who, string, string, unknown, number][] = [
      ['viewer', 'POST', '/v1/segments', { name: 'v', filter: TMALL }, 403],
      ['viewer', 'PUT', `/v1/segments/${id}`, { name: 'v', filter: TMALL }, 403],
      ['viewer', 'DELETE', `/v1/segments/${id}`, undefined, 403],
      ['viewer', 'GET', `/v1/segments/${id}/export`, undefined, 403],
      ['viewer', 'GET', `/v1/segments/${id}/customers`, undefined, 200],
      ['analyst', 'GET', `/v1/segments/${id}/export`, undefined, 200],
      ['operator', 'GET', `/v1/segments/${id}/export`, undefined, 200],
      ['analyst', 'POST', '/v1/tag-rules', { tag: 'rule:a', name: 'a', filter: TMALL }, 403],
      ['operator', 'POST', '/v1/tag-rules', { tag: 'rule:a', name: 'a', filter: TMALL }, 403],
      ['analyst', 'POST', '/v1/customers/1/tags', { tag: 'manual:x' }, 403],
      ['viewer', 'DELETE', '/v1/customers/1/tags?tag=manual:x', undefined, 403],
      ['viewer', 'GET', '/v1/tag-rules', undefined, 200],
    ];
    for (const [who, method, path, body, status] of expectations) {
      const res = await call(who, method, path, body);
      expect([who, method, path, res.status]).toEqual([who, method, path, status]);
    }
  });

  test('exports are audited with who and which segment', async () => {
    const audit = (await (await call('admin', 'GET', '/v1/audit?limit=200')).json()) as {
      entries: { actor: string; action: string; target: string }[];
    };
    const exports = audit.entries.filter((e) => e.action === 'segment.export');
    // a refused format (pdf) exported nothing and is not in the log
    expect(exports.map((e) => e.actor).sort()).toEqual([
      expect.stringMatching(/^api_key:/),
      'operator:analyst',
      'operator:analyst',
      'operator:operator',
    ]);
    expect(exports.every((e) => /^segment:\d+$/.test(e.target))).toBe(true);
  });
});

describe('tag rules and manual tags', () => {
  test('a rule tags the workspace at once; editing and deleting it follow', async () => {
    const res = await call('admin', 'POST', '/v1/tag-rules', {
      tag: 'rule:big_spender',
      name: 'Big spenders',
      filter: { field: 'stats.net_fen', op: '>=', value: 12_000 },
    });
    expect(res.status).toBe(201);
    const rule = (await res.json()) as { id: number; customers: number; version: number };
    expect(rule).toMatchObject({ customers: 2, version: 1 });
    expect(
      await (
        await call('viewer', 'POST', '/v1/segments/preview', { filter: { tag: 'rule:big_spender' } })
      ).json(),
    ).toEqual({ count: 2 });
    const edited = await call('key', 'PUT', `/v1/tag-rules/${rule.id}`, {
      name: 'Bigger spenders',
      filter: { field: 'stats.net_fen', op: '>=', value: 20_000 },
    });
    expect(await edited.json()).toMatchObject({ version: 2, customers: 1 });
    expect(
      (await call('admin', 'POST', '/v1/tag-rules', { tag: 'vip', name: 'x', filter: TMALL })).status,
    ).toBe(400);
    expect(
      (await call('admin', 'POST', '/v1/tag-rules', { tag: 'rule:big_spender', name: 'x', filter: TMALL }))
        .status,
    ).toBe(409);
    expect((await call('admin', 'DELETE', `/v1/tag-rules/${rule.id}`)).status).toBe(204);
    expect((await call('admin', 'DELETE', `/v1/tag-rules/${rule.id}`)).status).toBe(404);
    expect(
      ((await (await call('admin', 'GET', '/v1/tag-rules')).json()) as { rules: unknown[] }).rules,
    ).toEqual([]);
  });

  test('an operator tags a customer by hand and removes the tag; both audited', async () => {
    const segment = (await (
      await call('key', 'POST', '/v1/segments/preview', { filter: { tag: 'manual:callback' } })
    ).json()) as { count: number };
    expect(segment.count).toBe(0);
    const added = await call('operator', 'POST', '/v1/customers/1/tags', {
      tag: 'manual:callback',
      note: 'asked',
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      customer_id: 1,
      created: true,
      source: 'manual',
      reason: { actor: 'operator:operator', note: 'asked' },
    });
    expect((await call('operator', 'POST', '/v1/customers/1/tags', { tag: 'manual:callback' })).status).toBe(
      200,
    );
    expect((await call('operator', 'POST', '/v1/customers/1/tags', { tag: 'activity:silent' })).status).toBe(
      400,
    );
    expect((await call('operator', 'POST', '/v1/customers/999/tags', { tag: 'manual:x' })).status).toBe(404);
    expect(
      (await call('operator', 'DELETE', '/v1/customers/1/tags?tag=manual:callback&note=done')).status,
    ).toBe(204);
    expect((await call('operator', 'DELETE', '/v1/customers/1/tags?tag=manual:callback')).status).toBe(404);
    const audit = (await (await call('admin', 'GET', '/v1/audit?limit=200')).json()) as {
      entries: { action: string; target: string; detail: unknown }[];
    };
    expect(audit.entries.filter((e) => e.action.startsWith('tag.')).map((e) => [e.action, e.detail])).toEqual(
      [
        ['tag.remove', { tag: 'manual:callback', note: 'done' }],
        ['tag.add', { tag: 'manual:callback', note: 'asked' }],
      ],
    );
  });
});
