import { createApiKey, type DbHandle } from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from './app.ts';

let h: DbHandle;
let auth: { authorization: string };
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  h = await createTestDb();
  const ws = await createTestWorkspace(h);
  auth = { authorization: `Bearer ${(await createApiKey(h.db, ws, { name: 'uploads' })).key}` };
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
});
afterAll(() => h.close());

const JD = [
  '订单号,商品名称,订购数量,京东价,应付金额,订单状态,下单帐号,下单时间,付款确认时间',
  '70001,精华液,1,99.00,99.00,完成,jd_amy,2024-10-07 09:00:00,2024-10-07 09:01:00',
  '70002,面霜,1,abc,abc,完成,jd_bob,2024-10-07 09:00:00,2024-10-07 09:01:00',
].join('\r\n');

function upload(content: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new File([content], 'jd-orders.csv', { type: 'text/csv' }));
  for (const [k, v] of Object.entries(fields)) {
    form.set(k, v);
  }
  return app.request('/v1/imports', { method: 'POST', headers: auth, body: form });
}

async function settle(id: number) {
  for (let i = 0; i < 100; i += 1) {
    const status = (await (await app.request(`/v1/imports/${id}`, { headers: auth })).json()) as {
      status: string;
    };
    if (status.status !== 'running') {
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('import did not finish');
}

test('an upload answers with an import id at once; status, progress and the report can be fetched', async () => {
  const res = await upload(JD);
  expect(res.status).toBe(202);
  const started = (await res.json()) as { id: number; file_name: string };
  expect(started.file_name).toBe('jd-orders.csv');
  expect(await settle(started.id)).toMatchObject({
    status: 'done',
    format: 'jd_orders',
    progress: 1,
    summary: { rows_read: 2, rows_imported: 1, rows_rejected: 1, orders: 1 },
  });
  const report = (await (
    await app.request(`/v1/imports/${started.id}/problems`, { headers: auth })
  ).json()) as {
    problems: { line: number; column: string | null; reason: string }[];
  };
  expect(report.problems).toEqual([
    expect.objectContaining({ line: 3, kind: 'rejected', reason: expect.stringContaining('abc') }),
  ]);
});

test('a dry run stores no events', async () => {
  const res = await upload(JD.replaceAll('7000', '8000'), { dry_run: 'true' });
  const { id } = (await res.json()) as { id: number };
  expect(await settle(id)).toMatchObject({
    status: 'done',
    dry_run: true,
    summary: { events: { valid: 1 } },
  });
  const stored = await h.db
    .selectFrom('orders')
    .select('order_id')
    .where('order_id', 'like', '8000%')
    .execute();
  expect(stored).toEqual([]);
});

test('bad uploads get coded errors', async () => {
  const noFile = await app.request('/v1/imports', { method: 'POST', headers: auth, body: new FormData() });
  expect(noFile.status).toBe(400);
  expect(await noFile.json()).toMatchObject({ error: { code: 'invalid_request' } });
  const notMultipart = await app.request('/v1/imports', { method: 'POST', headers: auth, body: 'hello' });
  expect(notMultipart.status).toBe(400);
  const unknownFormat = await upload(JD, { format: 'amazon' });
  expect(unknownFormat.status).toBe(400);
  expect((await app.request('/v1/imports/99999', { headers: auth })).status).toBe(404);
});

test('an upload over the size limit is refused', async () => {
  const res = await upload('x'.repeat(65 * 1024 * 1024));
  expect(res.status).toBe(413);
  expect(await res.json()).toMatchObject({ error: { code: 'file_too_large' } });
});
