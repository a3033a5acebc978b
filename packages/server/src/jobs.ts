import {
  type DbHandle,
  DEFAULT_TIME_ZONE,
  getWorkspace,
  listWorkspaces,
  rescoreWorkspace,
  runUpkeep,
  vacuumDatabase,
} from '@hatchery/core';
import { fromPglite, PgBoss } from 'pg-boss';

/** The nightly full rescoring: 03:00 in each workspace's own time zone. */
export const NIGHTLY_RESCORE = { queue: 'rescore-workspace', cron: '0 3 * * *' } as const;

/**
 * The nightly vacuum of an embedded database (PGlite has no autovacuum), after the workspaces'
 * rescorings: once for the whole database, at an hour of its own.
 */
export const NIGHTLY_VACUUM = { queue: 'vacuum-database', cron: '30 4 * * *' } as const;

/** New workspaces get their schedule within this long without a restart. */
const RESYNC_MS = 10 * 60 * 1000;

export type Jobs = { boss: PgBoss; syncSchedules: () => Promise<void>; stop: () => Promise<void> };

/**
 * Durable jobs and cron (pg-boss, in its own `pgboss` schema of the same database): leftover
 * upkeep is done at start, every workspace is rescored each night, and a night missed while no
 * process ran is made up once when one starts again; an embedded database is also vacuumed each
 * night. Any number of server processes may run this; pg-boss hands each job to one of them.
 */
export async function startJobs(handle: DbHandle, masterSecret: Buffer): Promise<Jobs> {
  const boss = handle.pglite
    ? new PgBoss({ db: fromPglite(handle.pglite), backend: 'pglite' })
    : new PgBoss({ connectionString: handle.databaseUrl ?? '', max: 2 });
  boss.on('error', (error: unknown) =>
    console.error(`jobs: ${error instanceof Error ? error.message : error}`),
  );
  await boss.start();
  await boss.createQueue(NIGHTLY_RESCORE.queue);
  if (handle.pglite) {
    await boss.createQueue(NIGHTLY_VACUUM.queue);
    await boss.schedule(NIGHTLY_VACUUM.queue, NIGHTLY_VACUUM.cron, null, {
      tz: DEFAULT_TIME_ZONE,
      missed: 'once',
    });
    await boss.work(NIGHTLY_VACUUM.queue, () => vacuumDatabase(handle.db));
  }

  const syncSchedules = async () => {
    for (const ws of await listWorkspaces(handle.db)) {
      // Keyed by workspace, so saving it again only updates it (a changed time zone included).
      await boss.schedule(
        NIGHTLY_RESCORE.queue,
        NIGHTLY_RESCORE.cron,
        { workspace: ws.slug },
        { tz: ws.time_zone, key: ws.slug, missed: 'once', singletonKey: ws.slug },
      );
    }
  };
  await syncSchedules();
  // A process stopped between a batch and its upkeep left customers queued: refresh them now
  // rather than with the next batch, which may be long in coming.
  for (const ws of await listWorkspaces(handle.db)) {
    await runUpkeep(handle.db, await getWorkspace(handle.db, masterSecret, ws.slug));
  }
  const resync = setInterval(() => {
    syncSchedules().catch((error: unknown) => console.error(`jobs: schedules not synced: ${String(error)}`));
  }, RESYNC_MS);
  resync.unref();

  await boss.work<{ workspace: string }>(NIGHTLY_RESCORE.queue, async ([job]) => {
    if (!job) {
      return;
    }
    const workspace = await getWorkspace(handle.db, masterSecret, job.data.workspace);
    await rescoreWorkspace(handle.db, workspace, { actor: 'nightly' });
  });

  return {
    boss,
    syncSchedules,
    stop: async () => {
      clearInterval(resync);
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
