import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { CustomerScoresTable, ValueModelConfig } from '../db/database.ts';

export type RankingKind = 'total' | 'super_user' | 'second_tier' | 'koc_candidate';

export type RankingCursor = { score: number; customerId: number };

/**
 * A page of a ranking, best first, keyset-paged on (score, customer id) so that every page is an
 * index range however deep it is. KOC candidates rank by their KOC score, everything else by total.
 */
export async function findRanking(
  db: Db,
  workspaceId: number,
  kind: RankingKind,
  page: { limit: number; after?: RankingCursor | undefined },
) {
  const score = kind === 'koc_candidate' ? sql.ref('koc') : sql.ref('total');
  const filter =
    kind === 'total' ? sql`true` : kind === 'koc_candidate' ? sql`koc_candidate` : sql`band = ${kind}`;
  const after = page.after
    ? sql`(${score}, -customer_id) < (${page.after.score}::real, ${-page.after.customerId}::bigint)`
    : sql`true`;
  const { rows } = await sql<RankingRow>`
    select customer_id, r, f, m, rfm_group, consumption, interaction, content, social, total, koc, band,
      koc_candidate, scored_at,
      (select masked from identities i
       where i.workspace_id = ${workspaceId} and i.customer_id = s.customer_id
       order by i.kind = 'phone' desc, i.id limit 1) as display
    from customer_scores s
    where workspace_id = ${workspaceId} and ${filter} and ${after}
    order by ${score} desc, customer_id
    limit ${page.limit}`.execute(db);
  return rows;
}

export type RankingRow = Omit<
  Selectable<CustomerScoresTable>,
  'workspace_id' | 'run_id' | 'model_version'
> & {
  /** The customer's masked phone, or another masked identity when they have none. */
  display: string | null;
};

/**
 * Who would lead with other weights: the top `limit` by the new total, each with the rank it has
 * now and would have then. Ranks are 1 + the customers strictly ahead (ties share a rank).
 */
export async function previewWeights(
  db: Db,
  workspaceId: number,
  weights: ValueModelConfig['weights'],
  limit: number,
) {
  const total = sql`(${weights.consumption}::float8 * consumption + ${weights.interaction}::float8 * interaction
    + ${weights.content}::float8 * content + ${weights.social}::float8 * social)::real`;
  const { rows } = await sql<{
    customer_id: number;
    total_now: number;
    total_new: number;
    rank_now: number;
    rank_new: number;
    display: string | null;
  }>`
    with top as (
      select customer_id, total as total_now, ${total} as total_new
      from customer_scores where workspace_id = ${workspaceId}
      order by ${total} desc, customer_id limit ${limit}
    )
    select t.*,
      1 + (select count(*)::int from customer_scores c where c.workspace_id = ${workspaceId} and c.total > t.total_now)
        as rank_now,
      -- everyone with a higher new total is in the top too, so the rank within it is the rank
      rank() over (order by t.total_new desc)::int as rank_new,
      (select masked from identities i where i.workspace_id = ${workspaceId} and i.customer_id = t.customer_id
       order by i.kind = 'phone' desc, i.id limit 1) as display
    from top t order by total_new desc, customer_id`.execute(db);
  return rows;
}
