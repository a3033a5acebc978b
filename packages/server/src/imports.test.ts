import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, type DbHandle } from '@hatchery/core';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from './app.ts';

let h: DbHandle;
let auth: { authorization: string };
let app: ReturnType<typeof createApp>;
/** The same server with a 1 MiB cap, for the over-limit cases without sending 512 MiB. */
let small: ReturnType<typeof createApp>;
/** Where uploads are written while imported: empty again once each request is over. */
let uploadDir: string;
beforeAll(async () => {
  h = await createTestDb();
  const ws = await createTestWorkspace(h);
  auth = { authorization: `Bearer ${(await createApiKey(h.db, ws, { name: 'uploads' })).key}` };
  uploadDir = mkdtempSync(join(tmpdir(), 'hatchery-imports-test-'));
  const deps = { db: h.db, config: { masterSecret: TEST_SECRET } };
  app = createApp({ ...deps, uploads: { tempDir: uploadDir } });
  small = createApp({ ...deps, uploads: { tempDir: uploadDir, maxFileBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await h.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

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
      id: number;
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

const BOUNDARY = '----hatchery-test-boundary';

/**
 * A multipart body made as it is read: the file part's content comes from `content`, so a test
 * can send hundreds of MB without holding them. `fail` makes the stream error after that many
 * bytes of file content, as a client that goes away mid-upload does.
 */
function streamedForm(
  content: () => AsyncIterable<Uint8Array>,
  options: { fields?: Record<string, string>; fail?: number } = {},
): ReadableStream<Uint8Array> {
  const text = new TextEncoder();
  async function* parts() {
    for (const [name, value] of Object.entries(options.fields ?? {})) {
      yield text.encode(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      );
    }
    yield text.encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    let sent = 0;
    for await (const chunk of content()) {
      if (options.fail !== undefined && sent >= options.fail) {
        throw new Error('client went away');
      }
      sent += chunk.byteLength;
      yield chunk;
    }
    yield text.encode(`\r\n--${BOUNDARY}--\r\n`);
  }
  const iterator = parts();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) {
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      } catch (error) {
        controller.error(error);
      }
    },
  });
}

/** `lines` CSV lines of a file no format knows (the import fails fast once the upload is in). */
async function* unknownCsv(lines: number): AsyncIterable<Uint8Array> {
  const text = new TextEncoder();
  yield text.encode('标题,内容\r\n');
  const row = `${'你好世界'.repeat(20)},${'x'.repeat(400)}\r\n`;
  const block = text.encode(row.repeat(1000));
  for (let n = 0; n < lines; n += 1000) {
    yield block.slice();
  }
}

function post(target: ReturnType<typeof createApp>, body: ReadableStream<Uint8Array>, headers = {}) {
  return target.request('/v1/imports', {
    method: 'POST',
    headers: { ...auth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

function leftovers(): string[] {
  return readdirSync(uploadDir);
}

async function settled(res: Response) {
  const { id } = (await res.json()) as { id: number };
  const status = await settle(id);
  // The temporary file goes right after the import ends; give the cleanup its turn.
  for (let i = 0; i < 50 && leftovers().length > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return status;
}

test('an upload over the size limit is refused from its Content-Length, before it is read', async () => {
  const res = await small.request('/v1/imports', {
    method: 'POST',
    headers: {
      ...auth,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(3 * 1024 * 1024),
    },
    body: 'not read',
  });
  expect(res.status).toBe(413);
  expect(await res.json()).toMatchObject({
    error: { code: 'file_too_large', message: expect.stringContaining('at most 1 MiB') },
  });
  expect(leftovers()).toEqual([]);
});

test('an upload with no length that grows over the limit is cut off, refused, and leaves no file', async () => {
  let produced = 0;
  async function* endless() {
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    for (;;) {
      produced += chunk.byteLength;
      yield chunk;
    }
  }
  const res = await post(small, streamedForm(endless));
  expect(res.status).toBe(413);
  expect(await res.json()).toMatchObject({ error: { code: 'file_too_large' } });
  // Reading stopped near the limit: the rest of the endless body was never asked for.
  expect(produced).toBeLessThan(4 * 1024 * 1024);
  expect(leftovers()).toEqual([]);
});

test('the old 64 MiB in-memory parsing is gone: the same file under the cap imports from a multipart stream', async () => {
  const csv = new TextEncoder().encode(`${JD.replaceAll('7000', '9000')}\r\n`);
  async function* once() {
    yield csv;
  }
  const res = await post(app, streamedForm(once, { fields: { dry_run: 'true' } }));
  expect(res.status).toBe(202);
  expect(await settled(res)).toMatchObject({
    status: 'done',
    format: 'jd_orders',
    dry_run: true,
    summary: { rows_read: 2 },
  });
  expect(leftovers()).toEqual([]);
});

test('fields after the file part are still read (the file waits on disk for them)', async () => {
  const csv = new TextEncoder().encode(`${JD.replaceAll('7000', '9100')}\r\n`);
  const text = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        text.encode(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="jd.csv"\r\n\r\n`,
        ),
      );
      controller.enqueue(csv);
      controller.enqueue(
        text.encode(
          `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\ntrue\r\n--${BOUNDARY}--\r\n`,
        ),
      );
      controller.close();
    },
  });
  const res = await post(app, body);
  expect(await settled(res)).toMatchObject({ status: 'done', dry_run: true, file_name: 'jd.csv' });
});

test('a client that goes away mid-upload gets an error and leaves no file and no import', async () => {
  const before = await h.db.selectFrom('imports').select('id').execute();
  const res = await post(
    app,
    streamedForm(() => unknownCsv(10_000), { fail: 2 * 1024 * 1024 }),
  );
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({
    error: { code: 'invalid_request', message: expect.stringContaining('not received whole') },
  });
  expect(leftovers()).toEqual([]);
  expect(await h.db.selectFrom('imports').select('id').execute()).toEqual(before);
});

test('a 160 MiB upload streams through: memory stays bounded and the temporary file is removed', async () => {
  // 160 MiB is well over the old in-memory cap; held in memory it would show in heap or buffers.
  const lines = Math.ceil((160 * 1024 * 1024) / 600);
  const peak = { heap: 0, buffers: 0, rss: 0 };
  const base = process.memoryUsage();
  const sample = setInterval(() => {
    const now = process.memoryUsage();
    peak.heap = Math.max(peak.heap, now.heapUsed - base.heapUsed);
    peak.buffers = Math.max(peak.buffers, now.arrayBuffers - base.arrayBuffers);
    peak.rss = Math.max(peak.rss, now.rss - base.rss);
  }, 5);
  try {
    const res = await post(
      app,
      streamedForm(() => unknownCsv(lines)),
    );
    expect(res.status).toBe(202);
    const status = await settled(res);
    expect(status).toMatchObject({
      status: 'failed',
      failure: expect.stringContaining('No header row'),
      failure_code: 'no_header',
      failure_zh: expect.stringContaining('没有表头'),
    });
    const row = await h.db
      .selectFrom('imports')
      .select('file_bytes')
      .where('id', '=', status.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.file_bytes)).toBeGreaterThan(160 * 1024 * 1024);
  } finally {
    clearInterval(sample);
  }
  // Streaming peaks at about 40 MiB of buffers here (chunks in flight to disk); holding the upload
  // would take 160 MiB or more. The bounds sit between, with room for a loaded machine.
  expect(peak.heap).toBeLessThan(64 * 1024 * 1024);
  expect(peak.buffers).toBeLessThan(96 * 1024 * 1024);
  expect(peak.rss).toBeLessThan(96 * 1024 * 1024);
  expect(leftovers()).toEqual([]);
}, 120_000);
