import { sql } from 'kysely';
import type { Db } from './create-db.ts';

/**
 * What PostgreSQL's autovacuum does by itself and embedded PGlite, which has none, needs done by
 * hand: reclaim the space of dead rows (the upkeep queue, deleted tags, orders refunded in
 * place, the job tables), mark pages all-visible, freeze old transaction ids before they could
 * wrap around, and refresh the planner's statistics of every table as the workspace grows.
 * Cheap where nothing changed (all-visible pages are skipped); the first vacuum of a database
 * loaded in bulk visits every page (8.5 s for 5,000,000 events). Not in a transaction: vacuum
 * cannot run in one.
 */
export async function vacuumDatabase(db: Db): Promise<void> {
  await sql`vacuum (analyze)`.execute(db);
}
