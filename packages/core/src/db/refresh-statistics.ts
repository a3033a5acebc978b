import { sql } from 'kysely';
import type { Db } from './create-db.ts';

/**
 * Refreshes the planner's statistics. PostgreSQL's autovacuum does this by itself; embedded
 * PGlite has no autovacuum, so after a bulk load (the demo brand) it is done by hand.
 */
export async function refreshStatistics(db: Db): Promise<void> {
  await sql`analyze`.execute(db);
}
