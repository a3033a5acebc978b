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
  const d = model.activity_days;
  const tagged = sql`
    select customer_id, shops,
      case when days >= ${d.very_active}::int then 'activity:very_active'
           when days >= ${d.active}::int then 'activity:active'
           when days >= ${d.occasional}::int then 'activity:occasional'
           else 'activity:silent' end as activity,
      days
    from (
      select customer_id, shops, active_days_in(active_mask, last_active_day, ${clock.today}::int, 30) as days
      from (${
        customerIds === null
          ? sql`select customer_id, shops, active_mask, last_active_day from customer_stats
              where workspace_id = ${workspaceId}`
          : // One index probe each (see aggregates.queries.ts on why "offset 0").
            sql`select c.* from unnest(${customerIds}::bigint[]) as k(id) cross join lateral (
              select customer_id, shops, active_mask, last_active_day from customer_stats
              where workspace_id = ${workspaceId} and customer_id = k.id offset 0
            ) c`
      }) st
      offset 0
    ) a`;
  const desired = sql`
    select customer_id, activity as tag, 'activity' as source, days from s
    ${
      channels
        ? sql`union all
          select customer_id, 'shop:' || shop, 'channel', null from s cross join lateral unnest(shops) as shop`
        : sql``
    }`;
  // The reason is built for the tags inserted only: most desired tags are held already.
  const insert = sql`insert into customer_tags (workspace_id, customer_id, tag, source, since, reason)
    select ${workspaceId}, customer_id, tag, source, ${clock.asOf.toISOString()}::timestamptz,
      case when source = 'activity'
        then jsonb_build_object('active_days_30', days, 'model_version', ${clock.modelVersion}::int)
        else jsonb_build_object('shop', substr(tag, 6)) end`;
  if (customerIds === null) {
    // Everyone: the derived tags held and the desired ones, set against each other in one hash
    // join. Most are held already, so only the difference is kept (materialised: the tags are
    // never rescanned while the statement changes them) — a key probe per desired tag (the
    // conflict check) would be most of a warm run's cost. A held tag nobody should have goes,
    // also where the customer has no aggregates any more.
    const sources = channels ? ['activity', 'channel'] : ['activity'];
    await sql`
      with s as (${tagged}),
      diff as materialized (
        select d.customer_id, d.tag, d.source, d.days, h.ctid
        from (${desired}) d
        full join (
          select ctid, customer_id, tag from customer_tags
          where workspace_id = ${workspaceId} and source = any(${sources}::text[])
        ) h on h.customer_id = d.customer_id and h.tag = d.tag
        where d.customer_id is null or h.customer_id is null
      ),
      gone as (delete from customer_tags where ctid = any(array(select ctid from diff where tag is null)))
      ${insert} from diff where ctid is null
      on conflict (workspace_id, customer_id, tag) do nothing`.execute(db);
    return;
  }
  // Some customers: what each should have is a function of their own row, so tags that no longer
  // hold are found by comparing with that row, never by an anti-join with the set of all desired
  // tags. They are looked up customer by customer and deleted by row address: a join of those
  // customers with customer_tags is planned on the table's statistics, and with stale ones hashes
  // all of the workspace's tags.
  await sql`
    with s as materialized (${tagged}),
    gone as (
      delete from customer_tags where ctid = any(array(
        select t.ctid from s cross join lateral (
          select ctid, tag, source from customer_tags
          where workspace_id = ${workspaceId} and customer_id = s.customer_id offset 0
        ) t
        where (t.source = 'activity' and t.tag <> s.activity)
          or (t.source = 'channel' and not substr(t.tag, 6) = any(s.shops))
      ))
    )
    ${insert} from (${desired}) desired
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
