import { type Config, type Db, loadConfig, openDatabase } from '@hatchery/core';

/** Runs a command against the configured database, closing it (and the data folder) after. */
export async function withDb<T>(run: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await openDatabase(config, 'hatchery cli');
  try {
    return await run(handle.db, config);
  } finally {
    await handle.close();
  }
}
