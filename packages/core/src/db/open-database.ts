import { mkdirSync } from 'node:fs';
import type { Config } from '../config.ts';
import { createDb, type DbHandle } from './create-db.ts';
import { claimDataDir } from './data-dir-lock.ts';
import { migrateToLatest } from './migrate.ts';

/**
 * Opens the configured database and brings its schema up to date. For embedded PGlite the
 * data folder is claimed first: one process at a time may own it.
 */
export async function openDatabase(config: Config, owner: string): Promise<DbHandle> {
  if (config.databaseUrl) {
    const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await migrateToLatest(handle.db as never);
    return handle;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const release = claimDataDir(config.dataDir, owner);
  try {
    const handle = await createDb({ dataDir: `${config.dataDir}/pgdata` });
    await migrateToLatest(handle.db as never);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
