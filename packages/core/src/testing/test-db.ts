import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { loadConfig } from '../config.ts';
import { createDb, type Db, type DbHandle } from '../db/create-db.ts';
import { migrateUpTo } from '../db/migrate.ts';
import { createWorkspace } from '../workspaces/create-workspace.ts';
import type { Workspace } from '../workspaces/workspace.ts';

/** The secret tests derive workspace keys from; fixed so failures reproduce. */
export const TEST_SECRET = Buffer.alloc(32, 7);

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or — when DATABASE_URL is
 * set — a new database on that server, dropped again by `close`. `migrateUpTo` stops after the
 * migration named, to test a later one over data stored before it.
 */
export async function createTestDb(options: { migrateUpTo?: string } = {}): Promise<DbHandle> {
  const migrate = (db: Db) => migrateUpTo(db as never, options.migrateUpTo ?? null);
  const { databaseUrl } = loadConfig({ ...process.env, HATCHERY_SECRET: TEST_SECRET.toString('hex') });
  if (!databaseUrl) {
    const handle = await createDb({ dataDir: 'memory://' });
    await migrate(handle.db);
    return handle;
  }
  const name = `hatchery_test_${randomBytes(6).toString('hex')}`;
  const admin = await createDb({ databaseUrl, dataDir: '' });
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), dataDir: '' });
  await migrate(handle.db);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      // pg's pool.end() resolves before the server has seen every connection go; give it a
      // moment so the forced drop does not cut a connection that is already closing.
      for (let i = 0; i < 50; i += 1) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin.db);
        if (rows[0]?.n === 0) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await sql`drop database ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    },
  };
}

export async function createTestWorkspace(handle: DbHandle, slug = 'brand'): Promise<Workspace> {
  return createWorkspace(handle.db, TEST_SECRET, { slug, name: slug });
}
