import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * The value engine's derived state: per-customer aggregates kept fresh as events arrive, the
 * contents customers publish, versioned value models, scoring runs with the cut-offs they found,
 * per-customer scores and tags. All of it can be rebuilt from events and orders.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    -- A day of the workspace's calendar as a day number (days since 1970-01-01 there).
    create function business_day(at timestamptz, time_zone text) returns integer
      language sql immutable return ((at at time zone time_zone)::date - date '1970-01-01');

    -- Weight of an event at "at" in a sum that halves every 30 days. Summing exp(+λt) from a fixed
    -- epoch instead of exp(−λ(now − t)) makes the sum a plain running total that events add to in
    -- any order; its value today is the total × exp(−λ·now), the same factor for everyone, so
    -- percentiles can rank the totals directly. It stays finite in float8 until about 2100.
    create function recency_weight(at timestamptz) returns float8
      language sql immutable return
        exp(extract(epoch from at - timestamptz '2020-01-01 00:00:00+00') / 86400.0 * ln(2) / 30);

    -- Active days as a bit set: bit i of mask is set when the customer was active on day last − i.
    -- Two sets merge by aligning both on the later day; days 64 or more before it fall away, which
    -- no window of up to 64 days needs.
    create function merge_day_mask(mask_a bigint, last_a integer, mask_b bigint, last_b integer) returns bigint
      language sql immutable return
        case when last_a is null then mask_b when last_b is null then mask_a else
          (case when greatest(last_a, last_b) - last_a >= 64 then 0::bigint
                else mask_a << (greatest(last_a, last_b) - last_a) end)
          | (case when greatest(last_a, last_b) - last_b >= 64 then 0::bigint
                  else mask_b << (greatest(last_a, last_b) - last_b) end) end;

    -- Days with a set bit among the "days" days up to and including day "today" (bit strings, so
    -- that shifts are logical; n is how many of the window's days the mask can still hold).
    create function active_days_in(mask bigint, last integer, today integer, days integer) returns integer
      language sql immutable return
        case when mask is null or last is null or today - last >= days then 0 else
          bit_count((mask::bit(64) >> greatest(last - today, 0))
            & (case when least(days, days + last - today) >= 64 then -1::bigint
                    else (1::bigint << least(days, days + last - today)) - 1 end)::bit(64))::integer end;

    -- How many of the sorted cut-offs lie strictly below v, given them negated and in reverse
    -- (width_bucket counts the ones at or below its operand; negating turns "below" around).
    create function strictly_below(v float8, negated_cutoffs float8[]) returns integer
      language sql immutable return
        case when cardinality(negated_cutoffs) > 0
             then cardinality(negated_cutoffs) - width_bucket(-v, negated_cutoffs) else 0 end;

    create table contents (
      workspace_id bigint not null,
      content_id text not null,
      customer_id bigint not null,
      anchor_identity_id bigint not null,
      platform text,
      published_at timestamptz,
      exposure bigint not null default 0,
      engagement bigint not null default 0,
      metrics_at timestamptz,
      primary key (workspace_id, content_id)
    );
    create index contents_customer on contents (workspace_id, customer_id);
    create index contents_anchor on contents (workspace_id, anchor_identity_id);

    create table customer_stats (
      workspace_id bigint not null,
      customer_id bigint not null,
      orders integer not null default 0,
      order_days integer not null default 0,
      net_fen bigint not null default 0,
      first_day_fen bigint not null default 0,
      first_order_at timestamptz,
      last_order_at timestamptz,
      shops text[] not null default '{}',
      messages integer not null default 0,
      pats_given integer not null default 0,
      pats_received integer not null default 0,
      checkins integer not null default 0,
      questionnaires integer not null default 0,
      shares integer not null default 0,
      referrals integer not null default 0,
      posts integer not null default 0,
      exposure bigint not null default 0,
      engagement bigint not null default 0,
      interaction_weight float8 not null default 0,
      active_mask bigint not null default 0,
      last_active_day integer,
      primary key (workspace_id, customer_id)
    );

    create table value_models (
      workspace_id bigint not null references workspaces (id),
      version integer not null,
      config jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (workspace_id, version)
    );

    create table scoring_runs (
      workspace_id bigint not null references workspaces (id),
      id bigint generated always as identity,
      model_version integer not null,
      status text not null check (status in ('running', 'done', 'failed')),
      step text not null default 'starting',
      progress real not null default 0,
      as_of timestamptz not null,
      cutoffs jsonb,
      customers integer,
      failure text,
      actor text not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (workspace_id, id)
    );

    create table customer_scores (
      workspace_id bigint not null,
      customer_id bigint not null,
      run_id bigint not null,
      model_version integer not null,
      r smallint not null,
      f smallint not null,
      m smallint not null,
      rfm_group text not null,
      consumption smallint not null,
      interaction smallint not null,
      content smallint not null,
      social smallint not null,
      total real not null,
      koc real not null,
      band text not null check (band in ('super_user', 'second_tier', 'other')),
      koc_candidate boolean not null,
      scored_at timestamptz not null,
      primary key (workspace_id, customer_id)
    );
    create index customer_scores_total on customer_scores (workspace_id, total desc, customer_id);
    create index customer_scores_koc on customer_scores (workspace_id, koc desc, customer_id);

    create table customer_tags (
      workspace_id bigint not null,
      customer_id bigint not null,
      tag text not null,
      source text not null check (source in ('activity', 'channel', 'rule', 'manual')),
      since timestamptz not null,
      reason jsonb not null default '{}',
      primary key (workspace_id, customer_id, tag)
    );
    create index customer_tags_tag on customer_tags (workspace_id, tag, customer_id);

    -- Who a pat or a referral names, so that a person's received pats can be counted from the
    -- events that name any of their identities.
    create index events_named_person on events (workspace_id, (properties #>> '{target,key}'))
      where kind = 'pat'
  `,
  );
}
