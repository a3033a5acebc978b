import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { Database } from '../db/database.ts';

/**
 * Per-customer aggregates (customer_stats) and the contents they are partly made of.
 *
 * Activity counters are sums, so a batch's events are *added* to them (the queue's fold,
 * upkeep.queries.ts); the same expression over all of a customer's events gives the same numbers,
 * which is what a merge or an undo needs when events change hands. Purchase, content,
 * received-pat and people-brought columns are re-read from their own small sets of rows
 * (refreshDerived): a customer has few orders, contents and referrals, metrics are snapshots that
 * cannot be added up, and who brought whom depends on other people's referrals.
 */

/** Kinds that make a day an active day in the communities. */
const ACTIVE_KINDS = ['message.sent', 'pat', 'checkin'];

/**
 * Activity of the events `scope` selects (a set of events aliased `e`), one row per customer.
 * Interaction weights: a message or a pat 1, a check-in or a questionnaire 3 (they take effort);
 * every event counts at its recency weight (halving every 30 days).
 */
export function activityOf(scope: RawBuilder<unknown>, timeZone: string) {
  return sql`
    with e as (${scope}),
    active_days as (
      select customer_id, business_day(occurred_at, ${timeZone}) as day
      from e where kind = any(${ACTIVE_KINDS}::text[])
      group by 1, 2
    ), masks as (
      select customer_id, max(day) as last_active_day,
        bit_or(1::bigint << (last - day)) filter (where last - day < 64) as active_mask
      from (select *, max(day) over (partition by customer_id) as last from active_days) d
      group by customer_id
    ), counts as (
      select customer_id,
        count(*) filter (where kind = 'message.sent')::int as messages,
        count(*) filter (where kind = 'pat')::int as pats_given,
        count(*) filter (where kind = 'checkin')::int as checkins,
        count(*) filter (where kind = 'questionnaire.submitted')::int as questionnaires,
        count(*) filter (where kind = 'share')::int as shares,
        count(*) filter (where kind = 'referral')::int as referrals,
        coalesce(sum(recency_weight(occurred_at) * case kind
          when 'message.sent' then 1 when 'pat' then 1
          when 'checkin' then 3 when 'questionnaire.submitted' then 3 end), 0)::float8 as interaction_weight
      from e group by customer_id
    )
    select c.*, coalesce(m.active_mask, 0) as active_mask, m.last_active_day
    from counts c left join masks m using (customer_id)`;
}

/** An event of a batch, as the batch stored it. */
export type BatchEvent = {
  customerId: number;
  anchorIdentityId: number;
  kind: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
};

/**
 * Where the refreshes write: customer_stats itself, or the staging copy a rebuild fills first
 * (`stageRebuild`).
 */
export type StatsTable = 'customer_stats' | 'rebuilt_stats';

/**
 * A rebuild fills a temporary copy of customer_stats (activity, then each refresh over it) and
 * then replaces the workspace's rows with it in one insert. Written in place, every customer's row
 * would be written five times in the one transaction — copies that only vacuum clears, and PGlite
 * has no autovacuum: the table would stay several times its size, past the share of the buffer
 * pool that a scan may fill, so that every full rescoring would read it from disk again.
 */
export async function stageRebuild(db: Db, workspaceId: number, timeZone: string) {
  await sql`create temporary table rebuilt_stats (like customer_stats including all) on commit drop`.execute(
    db,
  );
  const scope = sql`select customer_id, kind, occurred_at from events where workspace_id = ${workspaceId}`;
  const columns = sql.join(ACTIVITY_COLUMNS.map((c) => sql.ref(c)));
  await sql`
    insert into rebuilt_stats (workspace_id, customer_id, ${columns})
    select ${workspaceId}, customer_id, ${columns} from (${activityOf(scope, timeZone)}) a`.execute(db);
}

/** Replaces the workspace's customer_stats with the staged rows (same columns, same order). */
export async function replaceWithRebuilt(db: Db, workspaceId: number) {
  await sql`delete from customer_stats where workspace_id = ${workspaceId}`.execute(db);
  await sql`insert into customer_stats select * from rebuilt_stats`.execute(db);
}

/** The activity columns of customer_stats, in the order `activityOf` gives them. */
export const ACTIVITY_COLUMNS = [
  'messages',
  'pats_given',
  'checkins',
  'questionnaires',
  'shares',
  'referrals',
  'interaction_weight',
  'active_mask',
  'last_active_day',
] as const;

/**
 * The customers a refresh covers: the given ones, or every live customer of the workspace.
 *
 * Queries below look rows up customer by customer through a lateral subquery with "offset 0",
 * which the planner cannot flatten into a join: each lookup is then an index range whatever the
 * planner believes about table sizes (PGlite keeps no statistics, and guessing wrong there turns
 * a lookup of a few customers into a scan of the workspace in every batch).
 */
function customersIn(workspaceId: number, customerIds: readonly number[] | null) {
  return customerIds === null
    ? sql`(select id from customers where workspace_id = ${workspaceId} and merged_into is null)`
    : sql`(select unnest(${customerIds}::bigint[]) as id)`;
}

/**
 * For the refreshes' upserts (`s`, the stored row): true where a column would change. A row
 * rewritten with the values it has is a dead copy that only vacuum removes (see `stageRebuild`).
 */
function changed(...columns: (keyof Database['customer_stats'])[]) {
  const row = (alias: string) => sql.join(columns.map((c) => sql.ref(`${alias}.${c}`)));
  return sql`(${row('s')}) is distinct from (${row('excluded')})`;
}

/**
 * Re-reads the purchase columns of `customerIds` (all live customers when null) from orders.
 * A purchase is a paid order not wholly refunded; purchase days are business days in the
 * workspace's time zone (same-day orders are one purchase, as the peers count them); money is
 * net of refunds.
 */
export async function refreshPurchases(
  db: Db,
  workspaceId: number,
  timeZone: string,
  customerIds: readonly number[] | null,
  into: StatsTable = 'customer_stats',
) {
  if (customerIds !== null && customerIds.length === 0) {
    return;
  }
  // Customers without purchases get a row (all nulls) from the left join, so that they are reset
  // too. Materialised CTEs are never joined with each other: with no statistics (PGlite) the
  // planner takes them for one row each and would compare every customer with every other. The
  // rows are written with an upsert, whose conflict check is one index probe a customer: an
  // update joined to customer_stats is planned on the table's statistics, and with stale ones
  // (a growing workspace, or PGlite's none) hashes the whole table in every batch.
  await sql`
    with days as materialized (
      select k.id as customer_id, business_day(o.paid_at, ${timeZone}) as day, count(o.paid_at)::int as orders,
        sum(o.paid_fen - least(o.refunded_fen, o.paid_fen))::bigint as net_fen,
        min(o.paid_at) as first_at, max(o.paid_at) as last_at
      from ${customersIn(workspaceId, customerIds)} k left join lateral (
        select paid_at, paid_fen, refunded_fen from orders
        where workspace_id = ${workspaceId} and customer_id = k.id and paid_at is not null and status <> 'refunded'
        offset 0
      ) o on true
      group by 1, 2
    ), p as materialized (
      select customer_id, sum(orders)::int as orders, count(day)::int as order_days,
        coalesce(sum(net_fen), 0)::bigint as net_fen,
        coalesce((array_agg(net_fen order by day) filter (where day is not null))[1], 0) as first_day_fen,
        min(first_at) as first_order_at, max(last_at) as last_order_at
      from days group by customer_id
    )
    insert into ${sql.table(into)} as s (workspace_id, customer_id, orders, order_days, net_fen, first_day_fen,
                                     first_order_at, last_order_at, shops)
    select ${workspaceId}, p.customer_id, p.orders, p.order_days, p.net_fen, p.first_day_fen,
      p.first_order_at, p.last_order_at, (
        select coalesce(array_agg(distinct shop order by shop), '{}') from orders
        where workspace_id = ${workspaceId} and customer_id = p.customer_id
          and paid_at is not null and status <> 'refunded'
      )
    from p
    on conflict (workspace_id, customer_id) do update set
      orders = excluded.orders, order_days = excluded.order_days, net_fen = excluded.net_fen,
      first_day_fen = excluded.first_day_fen, first_order_at = excluded.first_order_at,
      last_order_at = excluded.last_order_at, shops = excluded.shops
    where ${changed('orders', 'order_days', 'net_fen', 'first_day_fen', 'first_order_at', 'last_order_at', 'shops')}`.execute(
    db,
  );
}

/** Re-reads the content columns of `customerIds` (all when null) from contents. */
export async function refreshContents(
  db: Db,
  workspaceId: number,
  customerIds: readonly number[] | null,
  into: StatsTable = 'customer_stats',
) {
  if (customerIds !== null && customerIds.length === 0) {
    return;
  }
  await sql`
    with k as materialized (select id as customer_id from ${customersIn(workspaceId, customerIds)} k),
    v as materialized (
      select k.customer_id, count(t.*) filter (where t.published_at is not null)::int as posts,
        coalesce(sum(t.exposure), 0)::bigint as exposure, coalesce(sum(t.engagement), 0)::bigint as engagement
      from k left join lateral (
        select * from contents where workspace_id = ${workspaceId} and customer_id = k.customer_id offset 0
      ) t on true
      group by k.customer_id
    )
    insert into ${sql.table(into)} as s (workspace_id, customer_id, posts, exposure, engagement)
    select ${workspaceId}, customer_id, posts, exposure, engagement from v
    on conflict (workspace_id, customer_id) do update set
      posts = excluded.posts, exposure = excluded.exposure, engagement = excluded.engagement
    where ${changed('posts', 'exposure', 'engagement')}`.execute(db);
}

/**
 * Re-reads received pats of `customerIds` (all when null): distinct people who patted any of
 * their identities, so that one friend patting all day adds one.
 */
export async function refreshPatsReceived(
  db: Db,
  workspaceId: number,
  customerIds: readonly number[] | null,
  into: StatsTable = 'customer_stats',
) {
  if (customerIds !== null && customerIds.length === 0) {
    return;
  }
  await sql`
    with k as materialized (select id as customer_id from ${customersIn(workspaceId, customerIds)} k),
    v as materialized (
      select k.customer_id,
        count(distinct e.customer_id) filter (where e.customer_id <> k.customer_id)::int as pats
      from k
      left join lateral (
        select value_hash from identities where workspace_id = ${workspaceId} and customer_id = k.customer_id offset 0
      ) i on true
      left join lateral (
        select customer_id from events
        where workspace_id = ${workspaceId} and kind = 'pat'
          and properties #>> '{target,key}' = encode(i.value_hash, 'hex')
        offset 0
      ) e on true
      group by k.customer_id
    )
    insert into ${sql.table(into)} as s (workspace_id, customer_id, pats_received)
    select ${workspaceId}, customer_id, pats from v
    on conflict (workspace_id, customer_id) do update set pats_received = excluded.pats_received
    where ${changed('pats_received')}`.execute(db);
}

/** The referrals naming the identity whose key (hex HMAC) is `key`: one probe of events_invitee. */
function referralsNaming(workspaceId: number, key: RawBuilder<unknown>) {
  return sql`
    select id, customer_id, occurred_at from events
    where workspace_id = ${workspaceId} and kind = 'referral' and properties #>> '{invitee,key}' = ${key}
    offset 0`;
}

/**
 * Re-reads whom `customerIds` (all when null) brought. A person is brought by whoever named one of
 * their identities in the earliest referral (first touch; ties by event id), and never by
 * themselves; what they brought is that person's net spend on orders paid since that referral
 * (a long-standing customer invited again was not brought by the invitation).
 */
export async function refreshBrought(
  db: Db,
  workspaceId: number,
  customerIds: readonly number[] | null,
  into: StatsTable = 'customer_stats',
) {
  if (customerIds !== null && customerIds.length === 0) {
    return;
  }
  const ws = workspaceId;
  const referral = sql`select id, customer_id, occurred_at, properties #>> '{invitee,key}' as key from events`;
  const referrals =
    customerIds === null
      ? sql`${referral} where workspace_id = ${ws} and kind = 'referral'`
      : sql`select e.* from unnest(${customerIds}::bigint[]) as k(id) cross join lateral (
          ${referral} where workspace_id = ${ws} and customer_id = k.id and kind = 'referral' offset 0
        ) e`;
  // One statement: who brought whom, then those who no longer brought anyone reset and the rest
  // upserted where their figures changed — disjoint rows, so each is written once at most.
  await sql`
    with named as materialized (
      select r.id, r.customer_id as referrer, r.occurred_at, i.customer_id as invitee
      from (${referrals}) r cross join lateral (
        select customer_id from identities
        where workspace_id = ${ws} and value_hash = decode(r.key, 'hex') offset 0
      ) i
      where r.key is not null and i.customer_id <> r.customer_id
    ), credited as materialized (
      select n.* from named n
      where not exists (
        select 1 from identities j cross join lateral (${referralsNaming(ws, sql`encode(j.value_hash, 'hex')`)}) e
        where j.workspace_id = ${ws} and j.customer_id = n.invitee
          and e.customer_id <> n.invitee and (e.occurred_at, e.id) < (n.occurred_at, n.id)
      )
    ), brought as materialized (
      select c.referrer, count(*)::int as people, coalesce(sum(o.net_fen), 0)::bigint as fen
      from credited c left join lateral (
        select greatest(0, sum(paid_fen - least(refunded_fen, paid_fen))) as net_fen from orders
        where workspace_id = ${ws} and customer_id = c.invitee and paid_at >= c.occurred_at and status <> 'refunded'
        offset 0
      ) o on true
      group by c.referrer
    ), reset as (
      update ${sql.table(into)} t set brought_people = 0, brought_fen = 0
      where t.workspace_id = ${ws} and t.brought_people <> 0
        ${customerIds === null ? sql`` : sql`and t.customer_id = any(${customerIds}::bigint[])`}
        and not exists (select 1 from brought b where b.referrer = t.customer_id)
    )
    insert into ${sql.table(into)} as s (workspace_id, customer_id, brought_people, brought_fen)
    select ${ws}, referrer, people, fen from brought
    on conflict (workspace_id, customer_id) do update set
      brought_people = excluded.brought_people, brought_fen = excluded.brought_fen
    where ${changed('brought_people', 'brought_fen')}`.execute(db);
}

/**
 * Customers whose referrals named any of these identity keys (hex HMACs): the people they brought
 * may change when such a person appears, or when another referral names them first.
 */
export async function referrersOfKeys(db: Db, workspaceId: number, keys: readonly string[]) {
  if (keys.length === 0) {
    return [];
  }
  const { rows } = await sql<{ customer_id: number }>`
    select distinct e.customer_id from unnest(${keys}::text[]) as k
    cross join lateral (${referralsNaming(workspaceId, sql`k`)}) e`.execute(db);
  return rows.map((r) => r.customer_id);
}

/** Customers whose referrals named any identity of `customerIds`: they brought them, or tried to. */
export async function referrersOf(db: Db, workspaceId: number, customerIds: readonly number[]) {
  if (customerIds.length === 0) {
    return [];
  }
  const { rows } = await sql<{ customer_id: number }>`
    select distinct e.customer_id from unnest(${customerIds}::bigint[]) as k(id) cross join lateral (
      select value_hash from identities where workspace_id = ${workspaceId} and customer_id = k.id offset 0
    ) i cross join lateral (${referralsNaming(workspaceId, sql`encode(i.value_hash, 'hex')`)}) e`.execute(db);
  return rows.map((r) => r.customer_id);
}

/** All four re-reads: after merges and undos, and for a rebuild (`customerIds` null: everyone). */
export async function refreshDerived(
  db: Db,
  workspaceId: number,
  timeZone: string,
  customerIds: readonly number[] | null,
  into: StatsTable = 'customer_stats',
) {
  await refreshPurchases(db, workspaceId, timeZone, customerIds, into);
  await refreshContents(db, workspaceId, customerIds, into);
  await refreshPatsReceived(db, workspaceId, customerIds, into);
  await refreshBrought(db, workspaceId, customerIds, into);
}

/**
 * Of `customerIds` (customers whose events changed hands: only they can have been merged away),
 * the merged-away ones lose their derived rows, and the profile they merged into gets copies of
 * their manual tags. A manual tag is an operator's word about a person, not derived state: the
 * merged-away customer keeps its own (hidden with it), so that an undo finds them again, and each
 * copy lists in `reason.merged_from` the customers it came through, first the one it was put on.
 */
export async function dropMergedAway(db: Db, workspaceId: number, customerIds: readonly number[]) {
  if (customerIds.length === 0) {
    return;
  }
  await sql`
    insert into customer_tags (workspace_id, customer_id, tag, source, since, reason)
    select t.workspace_id, c.merged_into, t.tag, t.source, t.since, t.reason || jsonb_build_object(
      -- lax mode reads an older single id as a list of one
      'merged_from', jsonb_path_query_array(t.reason, '$.merged_from[*]') || to_jsonb(c.id))
    from customer_tags t join customers c on c.workspace_id = t.workspace_id and c.id = t.customer_id
    where t.workspace_id = ${workspaceId} and t.source = 'manual' and c.id = any(${customerIds}::bigint[])
      and c.merged_into is not null
    on conflict do nothing`.execute(db);
  for (const table of ['customer_stats', 'customer_scores', 'customer_tags'] as const) {
    await sql`
      delete from ${sql.table(table)} t using customers c
      where t.workspace_id = ${workspaceId} and c.workspace_id = ${workspaceId} and c.id = t.customer_id
        and c.id = any(${customerIds}::bigint[]) and c.merged_into is not null
        ${table === 'customer_tags' ? sql`and t.source <> 'manual'` : sql``}`.execute(db);
  }
}

/**
 * A merge of `customerId` into `intoCustomerId` was undone: the copies its manual tags left in
 * that profile and in those it went on into are removed (it has its own again).
 */
export async function dropManualTagCopies(
  db: Db,
  workspaceId: number,
  customerId: number,
  intoCustomerId: number,
) {
  await sql`
    with recursive profiles (id) as (
      select ${intoCustomerId}::bigint
      union all
      select c.merged_into from profiles p
      join customers c on c.workspace_id = ${workspaceId} and c.id = p.id
      where c.merged_into is not null
    )
    delete from customer_tags t using profiles p
    where t.workspace_id = ${workspaceId} and t.customer_id = p.id and t.source = 'manual'
      and t.reason -> 'merged_from' @> to_jsonb(${customerId}::bigint)`.execute(db);
}

/** Customers holding the identities with these keys (hex HMACs), one index probe each. */
export async function customersOfKeys(db: Db, workspaceId: number, keys: readonly string[]) {
  if (keys.length === 0) {
    return [];
  }
  const { rows } = await sql<{ customer_id: number }>`
    select distinct i.customer_id from unnest(${keys}::text[]) as k
    cross join lateral (
      select customer_id from identities
      where workspace_id = ${workspaceId} and value_hash = decode(k, 'hex') offset 0
    ) i`.execute(db);
  return rows.map((r) => r.customer_id);
}

/** Of identities new in a batch, the customers of those some earlier pat named: their pats now count. */
export async function customersNamedBy(db: Db, workspaceId: number, identityKeys: readonly string[]) {
  if (identityKeys.length === 0) {
    return [];
  }
  const { rows } = await sql<{ key: string }>`
    select k as key from unnest(${identityKeys}::text[]) as k
    where exists (
      select 1 from events
      where workspace_id = ${workspaceId} and kind = 'pat' and properties #>> '{target,key}' = k
      offset 0
    )`.execute(db);
  return customersOfKeys(
    db,
    workspaceId,
    rows.map((r) => r.key),
  );
}

/**
 * Folds a batch's content.published and content.metrics events into contents and returns the
 * customers whose contents changed. Metrics are snapshots: the latest by occurrence time wins, so
 * a late-arriving older snapshot changes nothing. A content belongs to whoever published it; its
 * customer is read from the anchor identity, which a regroup in the same batch may have moved.
 */
export async function foldContents(db: Db, workspaceId: number, events: readonly BatchEvent[]) {
  const contentEvents = events.filter((e) => e.kind === 'content.published' || e.kind === 'content.metrics');
  if (contentEvents.length === 0) {
    return [];
  }
  const num = (e: BatchEvent, key: string) => Number(e.properties[key] ?? 0);
  const ids = [...new Set(contentEvents.map((e) => String(e.properties.content_id)))];
  // The owners before, too: a publication can take a content over from whoever reported its metrics.
  const { rows: before } = await sql<{ customer_id: number }>`
    select customer_id from contents where workspace_id = ${workspaceId} and content_id = any(${ids}::text[])`.execute(
    db,
  );
  const { rows } = await sql<{ customer_id: number }>`
    with e as (
      select u.*, i.customer_id from unnest(
        ${contentEvents.map((_, n) => n)}::int[], ${contentEvents.map((e) => e.kind)}::text[],
        ${contentEvents.map((e) => String(e.properties.content_id))}::text[],
        ${contentEvents.map((e) => e.anchorIdentityId)}::bigint[],
        ${contentEvents.map((e) => e.occurredAt.toISOString())}::timestamptz[],
        ${contentEvents.map((e) => (typeof e.properties.platform === 'string' ? e.properties.platform : null))}::text[],
        ${contentEvents.map((e) => num(e, 'exposure'))}::bigint[],
        ${contentEvents.map((e) => num(e, 'likes') + num(e, 'comments') + num(e, 'saves') + num(e, 'shares'))}::bigint[]
      ) as u(n, kind, content_id, anchor_identity_id, occurred_at, platform, exposure, engagement)
      join identities i on i.workspace_id = ${workspaceId} and i.id = u.anchor_identity_id
    ), published as (
      select distinct on (content_id) * from e where kind = 'content.published' order by content_id, occurred_at, n
    ), metrics as (
      select distinct on (content_id) * from e where kind = 'content.metrics'
      order by content_id, occurred_at desc, n desc
    )
    insert into contents as t (workspace_id, content_id, customer_id, anchor_identity_id, platform, published_at,
                               exposure, engagement, metrics_at)
    select ${workspaceId}, coalesce(p.content_id, m.content_id),
      coalesce(p.customer_id, m.customer_id), coalesce(p.anchor_identity_id, m.anchor_identity_id),
      p.platform, p.occurred_at, coalesce(m.exposure, 0), coalesce(m.engagement, 0), m.occurred_at
    from published p full join metrics m using (content_id)
    on conflict (workspace_id, content_id) do update set
      -- the publication decides whose content it is
      customer_id = case when excluded.published_at is null then t.customer_id else excluded.customer_id end,
      anchor_identity_id =
        case when excluded.published_at is null then t.anchor_identity_id else excluded.anchor_identity_id end,
      platform = coalesce(excluded.platform, t.platform),
      published_at = least(t.published_at, excluded.published_at),
      exposure = case when excluded.metrics_at >= coalesce(t.metrics_at, '-infinity') then excluded.exposure
                      else t.exposure end,
      engagement = case when excluded.metrics_at >= coalesce(t.metrics_at, '-infinity') then excluded.engagement
                        else t.engagement end,
      metrics_at = greatest(t.metrics_at, excluded.metrics_at)
    returning customer_id`.execute(db);
  return [...before, ...rows].map((r) => r.customer_id);
}
