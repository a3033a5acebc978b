import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import { lockWorkspaceIngest } from '../workspaces/workspace-locks.queries.ts';

/**
 * Holds a workspace's ingest lock in a transaction of its own, as a batch being stored does, until
 * `release` is called; resolves once the lock is held. `done` settles when that transaction ends.
 */
export async function holdIngestLock(db: Db, workspaceId: number) {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = db.transaction().execute(async (trx) => {
    await lockWorkspaceIngest(trx, workspaceId);
    locked();
    await held;
  });
  await isLocked;
  return { release, done };
}

/** Resolves once at least `n` advisory lock requests on the server wait (PostgreSQL only). */
export async function advisoryLocksWaiting(db: Db, n: number) {
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(db);
    if (rows[0]!.n >= n) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
