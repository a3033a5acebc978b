import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDb } from '../testing/test-db.ts';
import type { DbHandle } from './create-db.ts';
import { describeSchema } from './describe-schema.ts';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

test('the committed schema.sql is what the migrations produce on this engine', async () => {
  const committed = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8');
  expect(await describeSchema(handle.db)).toBe(committed);
});

test('every table but workspaces carries workspace_id', async () => {
  const text = await describeSchema(handle.db);
  const tables = [...text.matchAll(/create table (\w+) \(([^;]*)\);/g)];
  expect(tables.length).toBeGreaterThan(8);
  for (const [, name, body] of tables) {
    if (name !== 'workspaces') {
      expect(body, name).toMatch(/^\s+workspace_id bigint not null/m);
    }
  }
});

test.runIf(process.env.DATABASE_URL)(
  'every connection of the pool runs without JIT compilation',
  async () => {
    // Two transactions at once hold two of the pool's connections, each opened with the setting.
    const settings = await Promise.all(
      [0, 1].map(() =>
        handle.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ jit: string; pid: number }>`
          select current_setting('jit') as jit, pg_backend_pid() as pid, pg_sleep(0.05)`.execute(trx);
          return rows[0];
        }),
      ),
    );
    expect(new Set(settings.map((s) => s?.pid)).size).toBe(2);
    expect(settings.map((s) => s?.jit)).toEqual(['off', 'off']);
  },
);
