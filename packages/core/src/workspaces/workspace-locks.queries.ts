import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

/**
 * A workspace's two transaction locks. Ingestion holds the first while it matches people and
 * stores a batch; the upkeep of the aggregates a batch queued holds the second. The two overlap:
 * the next batch stores while the last one's customers are refreshed. Anything else that rewrites
 * a workspace's derived state takes both, always ingest first (lockWorkspace).
 */
const INGEST = 0x4a7c;
const UPKEEP = 0x4a7d;
/** One per part of a full rescoring that runs beside the others (lockForRescoring). */
const RESCORING_PARTS = { scores: 0x4a7e, tags: 0x4a7f } as const;

/**
 * Serialises ingestion within a workspace: matching reads identities and then writes them,
 * and two batches doing that at once could each create the same person.
 */
export async function lockWorkspaceIngest(db: Db, workspaceId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${INGEST}::int, ${workspaceId}::int)`.execute(db);
}

/**
 * Serialises the upkeep: each re-reads a customer's aggregates from their sources, and two at
 * once could write an older reading over a newer one.
 */
export async function lockWorkspaceUpkeep(db: Db, workspaceId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${UPKEEP}::int, ${workspaceId}::int)`.execute(db);
}

/** Both locks (rescoring, rebuilds, rule and time-zone changes, undos): nothing stores or refreshes meanwhile. */
export async function lockWorkspace(db: Db, workspaceId: number): Promise<void> {
  await lockWorkspaceIngest(db, workspaceId);
  await lockWorkspaceUpkeep(db, workspaceId);
}

/**
 * What a part of a full rescoring holds: both locks shared, so that the parts of one run (its
 * scores and its derived tags, written at once on two connections) hold them together while
 * nothing stores or refreshes; and the part's own lock, so that two runs never write the same
 * rows at once. Always in this order, like lockWorkspace, so no two holders wait on each other.
 */
export async function lockForRescoring(
  db: Db,
  workspaceId: number,
  part: keyof typeof RESCORING_PARTS,
): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${INGEST}::int, ${workspaceId}::int)`.execute(db);
  await sql`select pg_advisory_xact_lock_shared(${UPKEEP}::int, ${workspaceId}::int)`.execute(db);
  await sql`select pg_advisory_xact_lock(${RESCORING_PARTS[part]}::int, ${workspaceId}::int)`.execute(db);
}
