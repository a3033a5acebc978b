import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

export const VALUE_NAMES = ['consumption', 'interaction', 'content', 'social'] as const;
export type ValueName = (typeof VALUE_NAMES)[number];

/**
 * How the workspace's scores are spread, in one pass over customer_scores (grouping sets: one
 * scan and a handful of hash groups whatever the number of customers): customers per RFM group,
 * per band, KOC candidates, and per tenth (0–9, 10–19 … 90–99) of each of the four values.
 */
export async function scoreDistribution(db: Db, workspaceId: number) {
  const { rows } = await sql<{
    facet: 'rfm_group' | 'band' | 'koc_candidate' | ValueName;
    key: string;
    customers: number;
  }>`
    select
      case when grouping(rfm_group) = 0 then 'rfm_group'
           when grouping(band) = 0 then 'band'
           when grouping(koc_candidate) = 0 then 'koc_candidate'
           when grouping(consumption / 10) = 0 then 'consumption'
           when grouping(interaction / 10) = 0 then 'interaction'
           when grouping(content / 10) = 0 then 'content'
           else 'social' end as facet,
      coalesce(rfm_group, band, koc_candidate::text, (consumption / 10)::text, (interaction / 10)::text,
               (content / 10)::text, (social / 10)::text) as key,
      count(*)::int as customers
    from customer_scores
    where workspace_id = ${workspaceId}
    group by grouping sets ((rfm_group), (band), (koc_candidate), (consumption / 10), (interaction / 10),
                            (content / 10), (social / 10))`.execute(db);
  return rows;
}
