import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

export type CustomerSummaryRow = {
  id: number;
  main_kind: string | null;
  main_masked: string | null;
  identities: number;
  shops: string[];
  orders: number;
  paid_fen: number;
  /** As of the last rescore; null before the workspace's first run. */
  total: number | null;
  band: string | null;
  rfm_group: string | null;
  consumption: number | null;
  interaction: number | null;
  content: number | null;
  social: number | null;
  koc_candidate: boolean | null;
  tags: string[];
};

/**
 * One row per live (not merged-away) customer with its main identity (a phone if it has one),
 * order figures, scores and tags. Either a keyset page after an id, or exactly the given ids
 * (search hits, or a filtered page that segments.queries.ts found). Each row is a few index
 * probes (identities, orders, customer_scores and customer_tags by customer), so a page costs the
 * same at customer 10 and at 1,000,000.
 */
export async function listCustomerSummaries(
  db: Db,
  workspaceId: number,
  filter: { after: number; limit: number } | { ids: number[] },
): Promise<CustomerSummaryRow[]> {
  const where =
    'ids' in filter
      ? sql`c.id = any(${filter.ids}::int8[])`
      : sql`c.id > ${filter.after} order by c.id limit ${filter.limit}`;
  const { rows } = await sql<CustomerSummaryRow>`
    with page as (
      select c.id from customers c
      where c.workspace_id = ${workspaceId} and c.merged_into is null and ${where}
    )
    select page.id, main.kind as main_kind, main.masked as main_masked,
           coalesce(ids.n, 0)::int as identities,
           coalesce(o.shops, '{}') as shops, coalesce(o.orders, 0)::int as orders,
           coalesce(o.paid_fen, 0)::int8 as paid_fen,
           sc.total, sc.band, sc.rfm_group, sc.consumption, sc.interaction, sc.content, sc.social,
           sc.koc_candidate,
           array(select t.tag from customer_tags t
                 where t.workspace_id = ${workspaceId} and t.customer_id = page.id order by t.tag) as tags
    from page
    left join customer_scores sc on sc.workspace_id = ${workspaceId} and sc.customer_id = page.id
    left join lateral (
      select i.kind, i.masked from identities i
      where i.workspace_id = ${workspaceId} and i.customer_id = page.id
      order by (i.kind = 'phone') desc, i.id limit 1
    ) main on true
    left join lateral (
      select count(*) as n from identities i
      where i.workspace_id = ${workspaceId} and i.customer_id = page.id
    ) ids on true
    left join lateral (
      select array_agg(distinct shop order by shop) as shops, count(*) as orders, sum(paid_fen) as paid_fen
      from orders where workspace_id = ${workspaceId} and customer_id = page.id
    ) o on true
    order by page.id`.execute(db);
  return rows;
}
