import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

const TABLES = [
  'workspaces',
  'api_keys',
  'customers',
  'identities',
  'events',
  'event_identities',
  'orders',
  'communities',
  'community_members',
  'identity_moves',
  'merge_conflicts',
  'audit_log',
  'imports',
  'import_problems',
  'contents',
  'customer_stats',
  'customer_tags',
  'customer_scores',
  'value_models',
  'scoring_runs',
  'segments',
  'tag_rules',
] as const;

/**
 * Bookkeeping every authenticated request may write whatever it asks for (a key's last use),
 * left out so that "a refused request changes nothing" can still be said with one comparison.
 */
const IGNORED_COLUMNS: Partial<Record<(typeof TABLES)[number], readonly string[]>> = {
  api_keys: ['last_used_at'],
};

/** Every row of every table, in a stable order: equal snapshots mean nothing changed. */
export async function snapshotTables(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} order by 1, 2, 3`.execute(db);
    const ignored = IGNORED_COLUMNS[table] ?? [];
    out[table] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([k]) => !ignored.includes(k))),
    );
  }
  return out;
}
