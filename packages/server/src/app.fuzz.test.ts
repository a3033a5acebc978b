import { createApiKey, type DbHandle } from '@hatchery/core';
import { createTestDb, createTestWorkspace, snapshotTables, TEST_SECRET } from '@hatchery/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from './app.ts';

/** Whatever arrives, the API answers with a code, never a crash, and junk stores nothing. */

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);

let h: DbHandle;
let post: (body: string) => Promise<Response>;
beforeAll(async () => {
  h = await createTestDb();
  const ws = await createTestWorkspace(h);
  const { key } = await createApiKey(h.db, ws, { name: 'fuzz' });
  const app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
  post = async (body) =>
    app.request('/v1/events', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
});
afterAll(() => h.close());

// Events that look almost right: real kinds and fields, with any of them replaced by junk.
const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.object());
const almostEvent = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 140 }), junk),
    kind: fc.oneof(fc.constantFrom('order.paid', 'pat', 'referral', 'message.sent', 'nope'), junk),
    occurred_at: fc.oneof(fc.constantFrom('2026-01-01T00:00:00Z', '2999-01-01T00:00:00Z', 'yesterday'), junk),
    identities: fc.oneof(
      fc.array(
        fc.record({ kind: fc.constantFrom('phone', 'jd_pin', 'wechat_openid', 'x'), value: fc.string() }),
      ),
      junk,
    ),
    properties: fc.oneof(fc.object(), junk),
  },
  { requiredKeys: [] },
);

test(`malformed events are rejected one by one and store nothing (seed ${SEED})`, async () => {
  console.log(`api fuzz: seed ${SEED} (rerun with SEED=${SEED})`);
  const before = await snapshotTables(h.db);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(almostEvent, junk), { minLength: 1, maxLength: 20 }),
      async (events) => {
        const res = await post(JSON.stringify({ events }));
        expect(res.status).toBe(200);
        const body = (await res.json()) as { results: { status: string }[] };
        expect(body.results).toHaveLength(events.length);
        for (const r of body.results) {
          expect(r.status).toBe('rejected');
        }
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
  expect(await snapshotTables(h.db)).toEqual(before);
});

test(`arbitrary bodies get a coded error, never a crash (seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (body) => {
      const res = await post(body);
      expect(res.status).toBeLessThan(500);
      if (res.status !== 200) {
        expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
      }
    }),
    { seed: SEED, numRuns: 150 },
  );
});
