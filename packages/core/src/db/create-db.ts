import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { emptyClusterImage, isEmptyDataDir } from './pglite-image.ts';

export type Engine = 'pglite' | 'postgres';

export type Db = Kysely<Database>;

/**
 * An open database. `pglite` (embedded) and `databaseUrl` (a server) are for the job queue, which
 * opens its own connections or, on PGlite, must run multi-statement scripts; all else uses `db`.
 */
export type DbHandle = {
  db: Db;
  engine: Engine;
  close: () => Promise<void>;
  pglite?: PGlite;
  databaseUrl?: string;
};

const INT8 = 20;
const INT8_ARRAY = 1016;

// int8 values here (ids, fen) stay far below 2^53, so both engines hand them out as numbers.
const parseInt8 = (v: string): number => Number(v);
const parseInt8Array = (v: string): number[] => (v === '{}' ? [] : v.slice(1, -1).split(',').map(Number));

/**
 * Opens the system of record: PostgreSQL when a URL is given, else embedded PGlite in
 * `dataDir` (or in memory for `memory://`).
 */
export async function createDb(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
}): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8) {
            return parseInt8;
          }
          if (oid === INT8_ARRAY) {
            return parseInt8Array;
          }
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server drops (restart, failover) must not crash the process: the
    // pool discards it and opens a new one on the next query.
    pool.on('error', (error) => console.error(`idle PostgreSQL connection closed: ${error.message}`));
    // No JIT compilation on Hatchery's connections (the first query a new connection runs). Its
    // statements either touch a few customers but are planned on workspace-wide estimates (a pat
    // target's selectivity is a guess), which cross the JIT thresholds at a million customers and
    // cost 80 ms an event to compile where running them costs well under one; or they score a
    // whole workspace, where compiling took 1.5 s of a 100,000-customer run, more than running it.
    // A session setting rather than a startup option, which poolers such as PgBouncer refuse.
    pool.on('connect', (client) => {
      client.query('set jit = off').catch((error: Error) => console.error(`set jit = off: ${error.message}`));
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy(), databaseUrl: options.databaseUrl };
  }
  const pglite = await PGlite.create(options.dataDir, {
    parsers: { [INT8]: parseInt8, [INT8_ARRAY]: parseInt8Array },
    ...(isEmptyDataDir(options.dataDir) ? { loadDataDir: await emptyClusterImage() } : {}),
  });
  // A sort, hash or materialised CTE bigger than work_mem spills to a temporary file, which PGlite
  // writes through Emscripten's file system into the data folder: a rescoring of 100,000 customers
  // (CTEs of 6–11 MB) took 4 % longer at the default 4 MB. Its one session keeps the setting.
  await pglite.exec(`set work_mem = '32MB'`);
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, engine: 'pglite', close: () => db.destroy(), pglite };
}
