import { createApiKey, createOperator, type DbHandle, ingestEvents, type Workspace } from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './app.ts';

let h: DbHandle;
let ws: Workspace;
let app: ReturnType<typeof createApp>;
const PASSWORD = 'a long enough password';
const cookies: Record<string, string> = {};

const order = (id: string, shop: string, phone: string) => ({
  id,
  source: shop,
  kind: 'order.paid',
  occurred_at: '2026-03-01T10:00:00+08:00',
  identities: [{ kind: 'phone', value: phone }],
  properties: { shop, order_id: id, amount_fen: 12_345 },
});

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h, 'shop');
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
  for (const role of ['admin', 'operator', 'analyst', 'viewer']) {
    await createOperator(h.db, ws, { login: role, role, password: PASSWORD }, 'test');
  }
  await ingestEvents(h.db, ws, [
    order('o1', 'tmall', '13800000001'),
    order('o2', 'jd', '13800000001'),
    order('o3', 'jd', '13800000002'),
  ]);
  for (const role of ['admin', 'operator', 'analyst', 'viewer']) {
    const res = await login(role, PASSWORD);
    expect(res.status).toBe(200);
    cookies[role] = /hatchery_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  }
});
afterAll(() => h.close());

function login(name: string, password: string, headers: Record<string, string> = {}) {
  return app.request('/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ workspace: 'shop', login: name, password }),
  });
}

function as(role: string, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('cookie', `hatchery_session=${cookies[role]}`);
  if (init.method && init.method !== 'GET') {
    headers.set('x-hatchery-request', '1');
  }
  return app.request(path, { ...init, headers });
}

describe('sessions', () => {
  test('login sets an HttpOnly, SameSite=Strict cookie, Secure only over https', async () => {
    const res = await login('viewer', PASSWORD);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    expect(await res.json()).toMatchObject({ role: 'viewer', workspace: { slug: 'shop' } });
    const secure = await login('viewer', PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(secure.headers.get('set-cookie')).toMatch(/Secure/);
  });

  test('a wrong password is 401 and login needs a JSON body', async () => {
    expect((await login('viewer', 'not the password')).status).toBe(401);
    const form = await app.request('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'workspace=shop&login=viewer&password=x',
    });
    expect(form.status).toBe(400);
  });

  test('GET /v1/session says who is calling, with permissions', async () => {
    const res = await as('analyst', '/v1/session');
    expect(await res.json()).toMatchObject({
      role: 'analyst',
      operator: { login: 'analyst' },
      permissions: ['customers.export', 'customers.read', 'imports.read', 'segments.manage'],
    });
  });

  test('changes made with the cookie need the CSRF header', async () => {
    const res = await app.request('/v1/merges/1/undo', {
      method: 'POST',
      headers: { cookie: `hatchery_session=${cookies.admin}` },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { message: expect.stringContaining('x-hatchery-request') },
    });
  });

  test('logout ends the session and clears the cookie', async () => {
    const res = await login('viewer', PASSWORD);
    const token = /hatchery_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    const headers = { cookie: `hatchery_session=${token}`, 'x-hatchery-request': '1' };
    const out = await app.request('/v1/session', { method: 'DELETE', headers });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/hatchery_session=;/);
    expect((await app.request('/v1/session', { headers })).status).toBe(401);
  });

  test('API keys keep working beside sessions', async () => {
    const { key } = await createApiKey(h.db, ws, { name: 'sync' });
    const res = await app.request('/v1/customers?q=13800000001', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await res.json()).toMatchObject({ customer_ids: [1] });
    const audit = await app.request('/v1/audit', { headers: { authorization: `Bearer ${key}` } });
    expect(audit.status).toBe(403);
  });
});

describe('the roles matrix is enforced by the server', () => {
  const cases: [string, string, RequestInit, Record<string, number>][] = [
    ['unmask', '/v1/customers/1?unmask=true', {}, { admin: 200, operator: 200, analyst: 403, viewer: 403 }],
    ['read a customer', '/v1/customers/1', {}, { admin: 200, operator: 200, analyst: 200, viewer: 200 }],
    ['read the audit log', '/v1/audit', {}, { admin: 200, operator: 403, analyst: 403, viewer: 403 }],
    // 404: allowed, and there is no merge 999.
    [
      'undo a merge',
      '/v1/merges/999/undo',
      { method: 'POST' },
      { admin: 404, operator: 404, analyst: 403, viewer: 403 },
    ],
    [
      'upload an import',
      '/v1/imports',
      { method: 'POST' },
      { admin: 400, operator: 400, analyst: 403, viewer: 403 },
    ],
    [
      'send events',
      '/v1/events',
      { method: 'POST', body: '{"events":[]}', headers: { 'content-type': 'application/json' } },
      { admin: 400, operator: 400, analyst: 403, viewer: 403 },
    ],
  ];
  test.each(cases)('%s', async (_, path, init, expected) => {
    const got: Record<string, number> = {};
    for (const role of Object.keys(expected)) {
      got[role] = (await as(role, path, init)).status;
    }
    expect(got).toEqual(expected);
  });

  test('an unmask is audited with the operator as actor; admins read it', async () => {
    const res = await as('operator', '/v1/customers/1?unmask=true');
    expect(await res.json()).toMatchObject({ identities: [{ kind: 'phone', value: '13800000001' }] });
    const masked = await as('viewer', '/v1/customers/1');
    expect(await masked.json()).toMatchObject({ identities: [{ value: '138****0001' }] });
    const audit = (await (await as('admin', '/v1/audit?limit=200')).json()) as {
      entries: { actor: string; action: string }[];
    };
    expect(audit.entries).toContainEqual(
      expect.objectContaining({ actor: 'operator:operator', action: 'customer.unmask' }),
    );
    const page = (await (await as('admin', '/v1/audit?limit=2')).json()) as { next_before: number };
    const next = (await (await as('admin', `/v1/audit?limit=2&before=${page.next_before}`)).json()) as {
      entries: { id: number }[];
    };
    expect(next.entries.every((e) => e.id < page.next_before)).toBe(true);
  });
});

describe('lists and the overview', () => {
  test('GET /v1/customers pages by id with summary columns; search answers summaries too', async () => {
    const first = await (await as('viewer', '/v1/customers?limit=1')).json();
    expect(first).toEqual({
      customers: [
        {
          id: 1,
          main_kind: 'phone',
          main_masked: '138****0001',
          identities: 1,
          shops: ['jd', 'tmall'],
          orders: 2,
          paid_fen: 24_690,
          // not scored yet: no scores; the shop tags come with every batch
          total: null,
          band: null,
          rfm_group: null,
          consumption: null,
          interaction: null,
          content: null,
          social: null,
          koc_candidate: null,
          tags: ['activity:silent', 'shop:jd', 'shop:tmall'],
        },
      ],
      next_after: 1,
    });
    const second = (await (await as('viewer', '/v1/customers?limit=5&after=1')).json()) as {
      customers: { id: number }[];
      next_after: number | null;
    };
    expect(second.customers.map((c) => c.id)).toEqual([2]);
    expect(second.next_after).toBeNull();
    const found = await (await as('viewer', '/v1/customers?q=138-0000-0002')).json();
    expect(found).toMatchObject({ customer_ids: [2], customers: [{ id: 2, shops: ['jd'] }] });
  });

  test('GET /v1/overview counts buyers per shop and the overlap between shops', async () => {
    const overview = await (await as('viewer', '/v1/overview')).json();
    expect(overview).toMatchObject({
      time_zone: 'Asia/Shanghai',
      totals: { customers: 2, buyers: 2, orders: 3, paid_fen: 37_035 },
      by_shop: [
        { shop: 'jd', customers: 2, orders: 2 },
        { shop: 'tmall', customers: 1, orders: 1 },
      ],
      overlap: [{ a: 'jd', b: 'tmall', customers: 1 }],
      by_shop_count: [
        { shops: 1, customers: 1 },
        { shops: 2, customers: 1 },
      ],
      by_month: [{ month: '2026-03', orders: 3 }],
    });
  });
});
