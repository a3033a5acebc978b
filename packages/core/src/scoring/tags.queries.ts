import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { ValueModelConfig } from '../db/database.ts';

/**
 * The tags the engine derives (activity over the last 30 days, the shops a customer buys in),
 * brought in line with customer_stats for the customers `customerIds` selects (null: all).
 * A tag that stays keeps its `since` and the reason it was given; one that no longer holds goes.
 * In a full refresh, `channels: false` leaves the shop tags alone: they follow the shops, which
 * only events change, and the batches' upkeep keeps them; what time alone moves is activity.
 */
export async function refreshDerivedTags(
  db: Db,
  workspaceId: number,
  model: ValueModelConfig,
  clock: { asOf: Date; today: number; modelVersion: number },
  customerIds: readonly number[] | null,
  { channels = true }: { channels?: boolean } = {},
) {
  if (customerIds !== null && customerIds.length === 0) {
    return;
  }
  // The customers' rows one index probe each (see aggregates.queries.ts on why "offset 0"), then
  // the tags they should have; old derived tags are found through the same customers, never by
  // scanning the workspace's tags.
  const stats =
    customerIds === null
      ? sql`select customer_id, shops, active_mask, last_active_day from customer_stats
            where workspace_id = ${workspaceId}`
      : sql`select c.* from unnest(${customerIds}::bigint[]) as k(id) cross join lateral (
              select customer_id, shops, active_mask, last_active_day from customer_stats
              where workspace_id = ${workspaceId} and customer_id = k.id offset 0
            ) c`;
  const stale = sql`(t.source = 'activity' and t.tag <> s.activity)
    or (t.source = 'channel' and not substr(t.tag, 6) = any(s.shops))`;
  const gone =
    customerIds === null
      ? sql`delete from customer_tags where ctid = any(array(
              select t.ctid from held t join s on s.customer_id = t.customer_id where ${stale}
            ))`
      : sql`delete from customer_tags where ctid = any(array(
              select t.ctid from s cross join lateral (
                select ctid, tag, source from customer_tags
                where workspace_id = ${workspaceId} and customer_id = s.customer_id offset 0
              ) t
              where ${stale}
            ))`;
  // A full refresh reads the derived tags held once, deletes the stale ones among them and inserts
  // only the missing ones: most are held already, and a key probe for each (the conflict check)
  // would be most of a warm run's cost. Materialised, the tags are never rescanned while the
  // statement changes them.
  const held =
    customerIds === null
      ? {
          cte: sql`held as materialized (
            select ctid, customer_id, tag, source from customer_tags
            where workspace_id = ${workspaceId} and source = any(${channels ? ['activity', 'channel'] : ['activity']}::text[])
          ),`,
          missing: sql`where not exists (
            select 1 from held h where h.customer_id = desired.customer_id and h.tag = desired.tag)`,
        }
      : { cte: sql``, missing: sql`` };
  const d = model.activity_days;
  // What each customer should have is a function of their own row, so tags that no longer hold
  // are found by comparing with that row, never by an anti-join with the set of all desired
  // tags, which is as big as the workspace. For some customers they are looked up customer by
  // customer and deleted by row address: a join of those customers with customer_tags is
  // planned on the table's statistics, and with stale ones hashes all of the workspace's tags.
  await sql`
    with s as materialized (
      select customer_id, shops,
        case when days >= ${d.very_active}::int then 'activity:very_active'
             when days >= ${d.active}::int then 'activity:active'
             when days >= ${d.occasional}::int then 'activity:occasional'
             else 'activity:silent' end as activity,
        days
      from (
        select customer_id, shops, active_days_in(active_mask, last_active_day, ${clock.today}::int, 30) as days
        from (${stats}) st
      ) a
    ), ${held.cte} gone as (${gone})
    insert into customer_tags (workspace_id, customer_id, tag, source, since, reason)
    select ${workspaceId}, customer_id, tag, source, ${clock.asOf.toISOString()}::timestamptz, reason
    from (
      select customer_id, activity as tag, 'activity' as source,
        jsonb_build_object('active_days_30', days, 'model_version', ${clock.modelVersion}::int) as reason
      from s
      ${
        channels
          ? sql`union all
            select customer_id, 'shop:' || shop, 'channel', jsonb_build_object('shop', shop)
            from s cross join lateral unnest(shops) as shop`
          : sql``
      }
    ) desired
    ${held.missing}
    on conflict (workspace_id, customer_id, tag) do nothing`.execute(db);
}

export async function findTagsOf(db: Db, workspaceId: number, customerId: number) {
  return db
    .selectFrom('customer_tags')
    .select(['tag', 'source', 'since', 'reason'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('tag')
    .execute();
}

/** Customers per tag. Merged-away customers keep only their manual tags (dropMergedAway), not counted. */
export async function countTags(db: Db, workspaceId: number) {
  const { rows } = await sql<{ tag: string; customers: number }>`
    select tag, count(*)::int as customers from customer_tags t
    where workspace_id = ${workspaceId} and (source <> 'manual' or not exists (
      select 1 from customers c where c.workspace_id = t.workspace_id and c.id = t.customer_id and c.merged_into is not null))
    group by tag order by tag`.execute(db);
  return rows;
}
