import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-imports.ts';
import * as m0003 from './migrations/0003-value-engine.ts';
import * as m0004 from './migrations/0004-pending-order-items.ts';
import * as m0005 from './migrations/0005-operators.ts';
import * as m0006 from './migrations/0006-segments.ts';
import * as m0007 from './migrations/0007-api-key-usage.ts';
import * as m0008 from './migrations/0008-upkeep-queue.ts';
import * as m0009 from './migrations/0009-lifetime-value-score.ts';
import * as m0010 from './migrations/0010-people-brought.ts';
import * as m0011 from './migrations/0011-import-reason-codes.ts';
import * as m0012 from './migrations/0012-drop-strictly-below.ts';

/** Forward-only: a landed migration is never edited; a change is a new file added here. */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-imports': m0002,
  '0003-value-engine': m0003,
  '0004-pending-order-items': m0004,
  '0005-operators': m0005,
  '0006-segments': m0006,
  '0007-api-key-usage': m0007,
  '0008-upkeep-queue': m0008,
  '0009-lifetime-value-score': m0009,
  '0010-people-brought': m0010,
  '0011-import-reason-codes': m0011,
  '0012-drop-strictly-below': m0012,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  return migrateUpTo(db, null);
}

/** Up to and including the migration named (null: all): for tests of a migration over older data. */
export async function migrateUpTo(db: Kysely<unknown>, name: string | null): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await (name === null ? migrator.migrateToLatest() : migrator.migrateTo(name));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: error });
  }
}
