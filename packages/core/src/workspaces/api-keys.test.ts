import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '../testing/test-db.ts';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { createWorkspace } from './create-workspace.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

test('a key authenticates to exactly its workspace until it is revoked', async () => {
  const ws = await createTestWorkspace(h, 'keys');
  const { id, key } = await createApiKey(h.db, ws, { name: 'shop sync' });
  const caller = await authenticateApiKey(h.db, TEST_SECRET, key);
  expect(caller.workspace.slug).toBe('keys');
  expect(caller.canUnmask).toBe(false);
  expect(caller.workspace.keys.hmacKey.equals(ws.keys.hmacKey)).toBe(true);

  const rows = await h.db.selectFrom('api_keys').selectAll().execute();
  expect(JSON.stringify(rows)).not.toContain(key.slice(8));

  await revokeApiKey(h.db, ws, id);
  await expect(authenticateApiKey(h.db, TEST_SECRET, key)).rejects.toMatchObject({ code: 'unauthorized' });
  await expect(revokeApiKey(h.db, ws, id)).rejects.toMatchObject({ code: 'not_found' });
});

test('making and revoking a key are audited with who did it, never with the key', async () => {
  const ws = await createTestWorkspace(h, 'audited');
  const { id, key, prefix } = await createApiKey(h.db, ws, { name: 'erp', actor: 'operator:boss' });
  await revokeApiKey(h.db, ws, id, 'operator:boss');
  const rows = await h.db
    .selectFrom('audit_log')
    .select(['actor', 'action', 'target', 'detail'])
    .where('workspace_id', '=', ws.id)
    .orderBy('id')
    .execute();
  expect(rows).toEqual([
    {
      actor: 'operator:boss',
      action: 'api_key.create',
      target: `api_key:${id}`,
      detail: { name: 'erp', prefix, can_unmask: false },
    },
    {
      actor: 'operator:boss',
      action: 'api_key.revoke',
      target: `api_key:${id}`,
      detail: { name: 'erp', prefix },
    },
  ]);
  expect(JSON.stringify(rows)).not.toContain(key.slice(prefix.length));
  const [listed] = await listApiKeys(h.db, ws);
  expect(listed).toMatchObject({ id, name: 'erp', prefix, created_by: 'operator:boss' });
  expect(listed?.revoked_at).toBeInstanceOf(Date);
  await expect(createApiKey(h.db, ws, { name: ' ' })).rejects.toMatchObject({ code: 'invalid_request' });
});

test('unknown and malformed keys are refused alike', async () => {
  await expect(authenticateApiKey(h.db, TEST_SECRET, 'hk_nope')).rejects.toMatchObject({
    code: 'unauthorized',
  });
  await expect(authenticateApiKey(h.db, TEST_SECRET, '')).rejects.toMatchObject({ code: 'unauthorized' });
});

test('workspaces derive different keys, and bad slugs or time zones are refused', async () => {
  const a = await createTestWorkspace(h, 'brand-a');
  const b = await createTestWorkspace(h, 'brand-b');
  expect(a.keys.hmacKey.equals(b.keys.hmacKey)).toBe(false);
  await expect(createTestWorkspace(h, 'brand-a')).rejects.toMatchObject({ code: 'conflict' });
  await expect(createWorkspace(h.db, TEST_SECRET, { slug: 'Bad Slug' })).rejects.toMatchObject({
    code: 'invalid_request',
  });
  await expect(
    createWorkspace(h.db, TEST_SECRET, { slug: 'tz', timeZone: 'Mars/Olympus' }),
  ).rejects.toMatchObject({
    code: 'invalid_request',
  });
});
