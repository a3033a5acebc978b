import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { EventRange } from '../events/events.queries.ts';
import { ACTIVITY_COLUMNS, activityOf } from './aggregates.queries.ts';

/**
 * What a queued customer needs re-read besides tags and scores (which every queued customer gets).
 * `moved`: the customer's events changed hands (a merge, a regroup, an undo), so everything is
 * recounted from their events, activity included. `brought`: the people they brought (migration
 * 0010 queues it as 16).
 */
export const UpkeepPart = { purchases: 1, contents: 2, pats: 4, moved: 8, brought: 16 } as const;

export type QueuedCustomer = { customerId: number; parts: number };

/** Queues a batch's customers and the ids of its events, in the batch's transaction: one row. */
export async function queueUpkeep(
  db: Db,
  workspaceId: number,
  customers: readonly QueuedCustomer[],
  events: EventRange | null,
) {
  await sql`
    insert into upkeep_queue (workspace_id, customer_ids, parts, first_event, last_event)
    values (${workspaceId}, ${customers.map((q) => q.customerId)}::bigint[], ${customers.map((q) => q.parts)}::smallint[],
      ${events?.first ?? null}::bigint, ${events?.last ?? null}::bigint)`.execute(db);
}

/**
 * Takes the workspace's whole queue — the last batch's and any an earlier batch left — and folds
 * its activity into customer_stats: the queued batches' events are added to their customers'
 * counters, except for moved customers, whose counters are recounted from all their events. Returns every
 * queued customer with the union of its parts and whether it is still live (not merged away).
 *
 * One statement, so one snapshot: the queue rows it takes and the events it recounts are exactly
 * those of the same committed batches. A batch committing meanwhile is in neither, and is folded
 * by the next upkeep — its events are never both recounted and added.
 */
export async function takeUpkeep(
  db: Db,
  workspaceId: number,
  timeZone: string,
): Promise<(QueuedCustomer & { live: boolean })[]> {
  const ws = workspaceId;
  const columns = sql.join(ACTIVITY_COLUMNS.map((c) => sql.ref(c)));
  const moved = sql`select customer_id from queued where live and parts & ${UpkeepPart.moved}::int <> 0`;
  const recounted = sql`
    select e.* from (${moved}) m cross join lateral (
      select customer_id, kind, occurred_at from events where workspace_id = ${ws} and customer_id = m.customer_id offset 0
    ) e`;
  const added = sql`
    select e.* from taken t cross join lateral (
      select customer_id, kind, occurred_at from events
      where workspace_id = ${ws} and id between t.first_event and t.last_event offset 0
    ) e
    where not e.customer_id = any(array(select customer_id from queued where parts & ${UpkeepPart.moved}::int <> 0))`;
  const { rows } = await sql<{ customer_id: number; parts: number; live: boolean }>`
    with taken as materialized (
      delete from upkeep_queue where workspace_id = ${ws}
      returning customer_ids, parts, first_event, last_event
    ), queued as materialized (
      select q.customer_id, q.parts, c.merged_into is null as live
      from (
        select u.customer_id, bit_or(u.part)::int as parts
        from taken t cross join lateral unnest(t.customer_ids, t.parts) as u(customer_id, part)
        group by u.customer_id
      ) q cross join lateral (
        select merged_into from customers where workspace_id = ${ws} and id = q.customer_id offset 0
      ) c
    ), recount as (
      insert into customer_stats as s (workspace_id, customer_id, ${columns})
      select ${ws}, m.customer_id, coalesce(a.messages, 0), coalesce(a.pats_given, 0), coalesce(a.checkins, 0),
        coalesce(a.questionnaires, 0), coalesce(a.shares, 0), coalesce(a.referrals, 0),
        coalesce(a.interaction_weight, 0), coalesce(a.active_mask, 0), a.last_active_day
      from (${moved}) m left join (${activityOf(recounted, timeZone)}) a using (customer_id)
      on conflict (workspace_id, customer_id) do update set
        ${sql.join(ACTIVITY_COLUMNS.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}
    ), add as (
      insert into customer_stats as s (workspace_id, customer_id, ${columns})
      select ${ws}, customer_id, ${columns} from (${activityOf(added, timeZone)}) a
      on conflict (workspace_id, customer_id) do update set
        messages = s.messages + excluded.messages,
        pats_given = s.pats_given + excluded.pats_given,
        checkins = s.checkins + excluded.checkins,
        questionnaires = s.questionnaires + excluded.questionnaires,
        shares = s.shares + excluded.shares,
        referrals = s.referrals + excluded.referrals,
        interaction_weight = s.interaction_weight + excluded.interaction_weight,
        active_mask = merge_day_mask(s.active_mask, s.last_active_day, excluded.active_mask, excluded.last_active_day),
        last_active_day = greatest(s.last_active_day, excluded.last_active_day)
    )
    select customer_id, parts, live from queued`.execute(db);
  return rows.map((r) => ({ customerId: r.customer_id, parts: r.parts, live: r.live }));
}

/** Empties the queue: a rebuild of every customer makes it moot. */
export async function clearUpkeep(db: Db, workspaceId: number) {
  await sql`delete from upkeep_queue where workspace_id = ${workspaceId}`.execute(db);
}
