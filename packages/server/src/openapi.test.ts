import type { DbHandle } from '@hatchery/core';
import { createTestDb, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from './app.ts';

let h: DbHandle;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  h = await createTestDb();
  app = createApp({ db: h.db, config: { masterSecret: TEST_SECRET } });
});
afterAll(() => h.close());

test('/openapi.json describes every route the app serves, with the events schema', async () => {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  expect(Object.keys(doc.paths).sort()).toEqual([
    '/v1/api-keys',
    '/v1/api-keys/{id}',
    '/v1/audit',
    '/v1/customers',
    '/v1/customers/count',
    '/v1/customers/export',
    '/v1/customers/{id}',
    '/v1/customers/{id}/scores',
    '/v1/customers/{id}/tags',
    '/v1/events',
    '/v1/imports',
    '/v1/imports/{id}',
    '/v1/imports/{id}/problems',
    '/v1/merge-conflicts',
    '/v1/merges/{id}/undo',
    '/v1/overview',
    '/v1/overview/scores',
    '/v1/rankings',
    '/v1/scoring-runs',
    '/v1/scoring-runs/{id}',
    '/v1/segments',
    '/v1/segments/fields',
    '/v1/segments/preview',
    '/v1/segments/{id}',
    '/v1/segments/{id}/customers',
    '/v1/segments/{id}/export',
    '/v1/session',
    '/v1/tag-rules',
    '/v1/tag-rules/{id}',
    '/v1/tags',
    '/v1/value-model',
    '/v1/value-model/preview',
    '/v1/workspace',
  ]);
  expect(Object.keys(doc.components.schemas.Event?.properties ?? {})).toEqual(
    expect.arrayContaining(['id', 'kind', 'occurred_at', 'identities', 'properties']),
  );
  expect(doc.components.schemas['properties.order.paid']?.properties).toHaveProperty('amount_fen');
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      const url = path.replace('{id}', '1');
      const answer = await app.request(url, { method: method.toUpperCase() });
      // Unauthenticated: a documented route answers 401 (login: 400 without its JSON body), an
      // undocumented one would be 404.
      const expected = path === '/v1/session' && method === 'post' ? 400 : 401;
      expect([path, method, answer.status]).toEqual([path, method, expected]);
    }
  }
});
