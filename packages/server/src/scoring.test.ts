import {
  createApiKey,
  type DbHandle,
  DEFAULT_VALUE_MODEL,
  ingestEvents,
  type Workspace,
} from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from './app.ts';

let h: DbHandle;
let ws: Workspace;
let key: string;
let app: ReturnType<typeof createApp>;

const order = (n: number) => ({
  id: `o${n}`,
  source: 'tmall',
  kind: 'order.paid',
  occurred_at: new Date(Date.now() - n * 86_400_000).toISOString(),
  identities: [{ kind: 'phone', value: `1380000${String(n).padStart(4, '0')}` }],
  properties: { shop: 'tmall', order_id: `o${n}`, amount_fen: 1000 * (n + 1) },
});

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h);
  key = (await createApiKey(h.db, ws, { name: 'ops' })).key;
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
  await ingestEvents(
    h.db,
    ws,
    Array.from({ length: 20 }, (_, n) => order(n)),
  );
});
afterAll(() => h.close());

function call(method: string, path: string, body?: unknown) {
  return app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function waitForRun(id: number) {
  for (let i = 0; i < 200; i += 1) {
    const run = (await (await call('GET', `/v1/scoring-runs/${id}`)).json()) as {
      status: string;
      progress: number;
    };
    if (run.status !== 'running') {
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the run did not finish');
}

test('before any run: no scores, an empty ranking, the default model', async () => {
  const ranking = (await (await call('GET', '/v1/rankings')).json()) as { rows: unknown[] };
  expect(ranking.rows).toEqual([]);
  const model = (await (await call('GET', '/v1/value-model')).json()) as { version: number; config: unknown };
  expect(model).toMatchObject({ version: 0, config: DEFAULT_VALUE_MODEL, last_run: null });
});

test("a run started over HTTP finishes; rankings and a customer's scores follow", async () => {
  const started = await call('POST', '/v1/scoring-runs');
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as { id: number };
  expect(await waitForRun(id)).toMatchObject({ status: 'done', progress: 1 });

  const ranking = (await (await call('GET', '/v1/rankings?kind=total&limit=5')).json()) as {
    rows: { customer_id: number; total: number; display: string }[];
    next_cursor: string;
  };
  expect(ranking.rows).toHaveLength(5);
  expect(ranking.rows[0]!.display).toMatch(/^138\*\*\*\*\d{4}$/);
  const next = (await (await call('GET', `/v1/rankings?cursor=${ranking.next_cursor}&limit=100`)).json()) as {
    rows: unknown[];
  };
  expect(next.rows).toHaveLength(15);

  const scores = (await (
    await call('GET', `/v1/customers/${ranking.rows[0]!.customer_id}/scores`)
  ).json()) as {
    scored: boolean;
    run: { id: number };
  };
  expect(scores).toMatchObject({ scored: true, run: { id } });
});

test('saving weights answers 202 with the rescoring it started; bad weights are refused with their field', async () => {
  const weights = { consumption: 1, interaction: 0, content: 0, social: 0 };
  const preview = (await (await call('POST', '/v1/value-model/preview', { weights, limit: 3 })).json()) as {
    rows: { rank_new: number; total_new: number }[];
  };
  // Ranks are 1 + how many are strictly ahead: ties share one.
  expect(preview.rows).toHaveLength(3);
  preview.rows.forEach((row, i) => {
    expect(row.rank_new).toBe(1 + preview.rows.filter((o) => o.total_new > row.total_new).length);
    expect(row.total_new).toBeLessThanOrEqual(preview.rows[Math.max(0, i - 1)]!.total_new);
  });

  const saved = await call('PUT', '/v1/value-model', { ...DEFAULT_VALUE_MODEL, weights });
  expect(saved.status).toBe(202);
  const body = (await saved.json()) as { version: number; run: { id: number } };
  expect(body.version).toBe(1);
  expect(await waitForRun(body.run.id)).toMatchObject({ status: 'done' });

  const bad = await call('PUT', '/v1/value-model', {
    ...DEFAULT_VALUE_MODEL,
    weights: { ...weights, social: 0.5 },
  });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
    /^weights: weights must add up to 1/,
  );
  const model = (await (await call('GET', '/v1/value-model')).json()) as { version: number };
  expect(model.version).toBe(1);
  expect((await call('GET', '/v1/scoring-runs/999')).status).toBe(404);
  expect((await call('GET', '/v1/rankings?kind=everyone')).status).toBe(400);
});

test('the overview of scores counts every scored customer in each facet', async () => {
  const res = await call('GET', '/v1/overview/scores');
  expect(res.status).toBe(200);
  const d = (await res.json()) as {
    run: { id: number } | null;
    customers: number;
    rfm_groups: { code: string; customers: number }[];
    bands: { band: string; customers: number }[];
    values: Record<string, { from: number; customers: number }[]>;
  };
  expect(d.run).not.toBeNull();
  expect(d.customers).toBe(20);
  const sum = (xs: { customers: number }[]) => xs.reduce((n, x) => n + x.customers, 0);
  expect(sum(d.rfm_groups)).toBe(20);
  expect(sum(d.bands)).toBe(20);
  expect(Object.keys(d.values).sort()).toEqual(['consumption', 'content', 'interaction', 'social']);
  for (const buckets of Object.values(d.values)) {
    expect(buckets.map((b) => b.from)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(sum(buckets)).toBe(20);
  }
  expect((await app.request('/v1/overview/scores')).status).toBe(401);
});
