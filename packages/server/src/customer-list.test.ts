/** The customer list's filters, count and export over HTTP, and the filter catalogue: who may, what comes out. */
import {
  addManualTag,
  createApiKey,
  type DbHandle,
  FIELDS,
  ingestEvents,
  type Workspace,
} from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './app.ts';
import { MAX_FILTER_PARAM } from './routes/customers.ts';
import { logInEveryRole } from './test-logins.ts';

let h: DbHandle;
let ws: Workspace;
let app: ReturnType<typeof createApp>;
let key: string;
let unmaskKey: string;
const PASSWORD = 'a long enough password';
const ROLES = ['admin', 'operator', 'analyst', 'viewer'] as const;
type Who = (typeof ROLES)[number] | 'key' | 'unmask-key';
let cookies: Record<string, string> = {};
const EVIL = '@SUM(1+1)|calc';
const PHONES = ['13800000001', '13800000002', '13800000003', '13800000004'];

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
  unmaskKey = (await createApiKey(h.db, ws, { name: 'crm', canUnmask: true })).key;
  cookies = await logInEveryRole(app, h.db, ws, ROLES, PASSWORD);
  await ingestEvents(h.db, ws, [
    order('o1', 'tmall', { kind: 'phone', value: PHONES[0] ?? '' }, 50_000),
    order('o2', 'jd', { kind: 'phone', value: PHONES[1] ?? '' }, 9_900),
    order('o3', 'tmall', { kind: 'phone', value: PHONES[2] ?? '' }, 12_000),
    order('o4', 'jd', { kind: 'phone', value: PHONES[3] ?? '' }, 3_000),
    order('o5', 'tmall', { kind: 'taobao_nick', value: EVIL }, 8_000),
  ]);
  // Customer ids in the order of the orders: c[0] … c[3] the phones, c[4] the nick.
  for (const [i, p] of PHONES.entries()) {
    const found = (await (await call('viewer', `/v1/customers?q=${p}`)).json()) as { customer_ids: number[] };
    id[i] = found.customer_ids[0] ?? 0;
  }
  const nick = await (await call('viewer', `/v1/customers?q=${encodeURIComponent(EVIL)}`)).json();
  id[4] = (nick as { customer_ids: number[] }).customer_ids[0] ?? 0;
  expect([...id].sort((a, b) => a - b)).toEqual(id);
  for (const i of [0, 1, 4]) {
    await addManualTag(h.db, ws, id[i] ?? 0, { tag: 'manual:vip' }, 'test');
  }
});
/** Customer ids: 0–3 the phones, 4 the nick (in the order they were created). */
const id: number[] = [];
const ids = (...at: number[]) => at.map((i) => id[i]);
afterAll(() => h.close());

function call(who: Who, path: string, init: { method?: string; body?: unknown } = {}) {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (who === 'key' || who === 'unmask-key') {
    headers.set('authorization', `Bearer ${who === 'key' ? key : unmaskKey}`);
  } else {
    headers.set('cookie', `hatchery_session=${cookies[who]}`);
    headers.set('x-hatchery-request', '1');
  }
  return app.request(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const q = (params: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  ).toString();

const VIP = { tag: 'manual:vip' };
const TMALL = { field: 'profile.shops', op: 'contains', value: 'tmall' };

type Page = {
  customers: { id: number; tags: string[]; main_masked: string | null }[];
  next_after: number | null;
};

describe('GET /v1/customers with filter and segment', () => {
  test('a filter narrows the pages; with a search only hits inside the filter remain', async () => {
    const page = (await (
      await call('viewer', `/v1/customers?${q({ filter: VIP, limit: 2 })}`)
    ).json()) as Page;
    expect(page.customers.map((c) => c.id)).toEqual(ids(0, 1));
    expect(page.customers.every((c) => c.tags.includes('manual:vip'))).toBe(true);
    expect(page.next_after).toBe(id[1]);
    const rest = (await (
      await call('viewer', `/v1/customers?${q({ filter: VIP, limit: 2, after: String(id[1]) })}`)
    ).json()) as Page;
    expect(rest).toMatchObject({ customers: [{ id: id[4] }], next_after: null });

    const both = { all: [VIP, TMALL] };
    expect(await (await call('viewer', `/v1/customers/count?${q({ filter: both })}`)).json()).toEqual({
      count: 2,
      exact: true,
    });
    const hit = await call('viewer', `/v1/customers?${q({ q: '138 0000 0001', filter: both })}`);
    expect(await hit.json()).toMatchObject({ customer_ids: ids(0), customers: [{ id: id[0] }] });
    const miss = await call('viewer', `/v1/customers?${q({ q: '13800000003', filter: VIP })}`);
    expect(await miss.json()).toEqual({ customer_ids: [], customers: [] });
    expect(await (await call('viewer', `/v1/customers/count?${q({ q: '13800000003' })}`)).json()).toEqual({
      count: 1,
      exact: true,
    });
  });

  test('a saved segment narrows them too; an unknown one is 404', async () => {
    const created = await call('analyst', '/v1/segments', {
      method: 'POST',
      body: { name: 'Tmall', filter: TMALL },
    });
    const segment = ((await created.json()) as { id: number }).id;
    const page = (await (
      await call('viewer', `/v1/customers?${q({ segment: String(segment) })}`)
    ).json()) as Page;
    expect(page.customers.map((c) => c.id)).toEqual(ids(0, 2, 4));
    const count = await call('viewer', `/v1/customers/count?${q({ segment: String(segment), filter: VIP })}`);
    expect(await count.json()).toEqual({ count: 2, exact: true });
    const unknown = await call('viewer', '/v1/customers?segment=999999');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  test('bad filters are 400 with a message naming what is wrong', async () => {
    const cases: [string, RegExp][] = [
      [`filter=${encodeURIComponent('{not json')}`, /^filter: not JSON/],
      [q({ filter: { field: 'stats.orders', op: 'like', value: 1 } }), /^filter\.op: /],
      [q({ filter: { tag: 'x', extra: 1 } }), /^filter: unknown key/],
      [`filter=${'x'.repeat(MAX_FILTER_PARAM + 1)}`, /^filter: /],
      ['segment=abc', /^segment: /],
      ['limit=0', /^limit: /],
    ];
    for (const [query, message] of cases) {
      for (const path of ['/v1/customers', '/v1/customers/count']) {
        if (path.endsWith('count') && query.startsWith('limit')) {
          continue;
        }
        const res = await call('viewer', `${path}?${query}`);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect([path, query.slice(0, 40), res.status, body.error.code]).toEqual([
          path,
          query.slice(0, 40),
          400,
          'invalid_request',
        ]);
        expect(body.error.message).toMatch(message);
      }
    }
  });

  test('the customer 360 is still reached beside /count and /export', async () => {
    expect((await call('viewer', `/v1/customers/${id[0]}`)).status).toBe(200);
    expect((await call('viewer', '/v1/customers/count')).status).toBe(200);
    expect(await (await call('viewer', '/v1/customers/count')).json()).toEqual({ count: 5, exact: true });
  });
});

describe('GET /v1/customers/export', () => {
  test('who may: customers.export (analysts, operators, admins, keys), not viewers', async () => {
    const expectations: [Who, number][] = [
      ['viewer', 403],
      ['analyst', 200],
      ['operator', 200],
      ['admin', 200],
      ['key', 200],
    ];
    for (const [who, status] of expectations) {
      const res = await call(who, `/v1/customers/export?${q({ filter: VIP })}`);
      expect([who, res.status]).toEqual([who, status]);
      await res.body?.cancel();
    }
  });

  test('CSV of the selection: masked for every caller, even those who may unmask; formulas escaped', async () => {
    for (const who of ['admin', 'unmask-key'] as const) {
      const res = await call(who, `/v1/customers/export?${q({ format: 'csv', filter: VIP })}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="customers-\d{8}\.csv"$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const lines = (await res.text())
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(ids(0, 1, 4));
      const text = lines.join('\n');
      for (const phone of PHONES) {
        expect(text).not.toContain(phone);
      }
      expect(lines[1]?.split(',')[1]).toBe('138****0001');
      // the nick starts with @: a spreadsheet would run it; the apostrophe keeps it text
      expect(lines.find((l) => l.startsWith(`${id[4]},`))?.split(',')[1]).toMatch(/^'@/);
    }
  });

  test('XLSX; a search narrows the export; bad formats and filters are refused; exports are audited', async () => {
    const xlsx = await call('analyst', `/v1/customers/export?${q({ format: 'xlsx', filter: TMALL })}`);
    expect(xlsx.status).toBe(200);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const searched = await call('analyst', `/v1/customers/export?${q({ q: '13800000002', filter: VIP })}`);
    const lines = (await searched.text()).trimEnd().split('\r\n');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(ids(1));
    expect((await call('analyst', '/v1/customers/export?format=pdf')).status).toBe(400);
    expect((await call('analyst', `/v1/customers/export?filter=${encodeURIComponent('[')}`)).status).toBe(
      400,
    );

    const audit = (await (await call('admin', '/v1/audit?limit=200')).json()) as {
      entries: { actor: string; action: string; target: string; detail: Record<string, unknown> }[];
    };
    const exports = audit.entries.filter((e) => e.action === 'customers.export');
    // refused requests exported nothing and are not in the log
    expect(exports).toHaveLength(8);
    expect(exports[0]).toMatchObject({
      actor: 'operator:analyst',
      target: 'customers',
      detail: { format: 'csv', filter: VIP, searched: true },
    });
    expect(JSON.stringify(exports)).not.toContain('13800000002');
  });
});

describe('GET /v1/segments/fields', () => {
  test('every field of the language with its type and operators; anyone who reads may ask', async () => {
    const res = await call('viewer', '/v1/segments/fields');
    expect(res.status).toBe(200);
    const catalogue = (await res.json()) as {
      fields: { name: string; type: string; ops: string[]; values?: string[]; unit?: string }[];
      tag_prefixes: string[];
      limits: { depth: number; nodes: number };
    };
    expect(catalogue.fields.map((f) => f.name)).toEqual(Object.keys(FIELDS));
    expect(catalogue.fields.find((f) => f.name === 'scores.total')).toMatchObject({
      type: 'number',
      ops: ['=', '!=', '<', '<=', '>', '>=', 'between'],
    });
    expect(catalogue.fields.find((f) => f.name === 'scores.band')?.values).toEqual([
      'super_user',
      'second_tier',
      'other',
    ]);
    expect(catalogue.fields.find((f) => f.name === 'stats.net_fen')?.unit).toBe('fen');
    expect(catalogue.tag_prefixes).toContain('manual:');
    expect(catalogue.limits).toMatchObject({ depth: 8, nodes: 200 });
  });
});
