import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * strictly_below goes: scoring writes the count out in each statement (scores.queries.ts, `below`),
 * since PostgreSQL does not inline a SQL function over cut-offs the statement finds itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'drop function strictly_below(float8, float8[])');
}
