import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * The consumption value ranks R + F + M + V, where V (1–5 among buyers, like R, F and M) is the
 * quintile of the customer's expected lifetime value (BG/NBD × Gamma-Gamma). It is 0 for
 * non-buyers and in workspaces too small for the lifetime models. Kept with the scores so that an
 * explanation shows the score the consumption value was computed from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'alter table customer_scores add column v smallint not null default 0');
}
