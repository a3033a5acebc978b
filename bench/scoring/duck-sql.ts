import { DEFAULT_VALUE_MODEL, type LifetimeFactors } from '@hatchery/core';

/**
 * Hatchery's scores (scores.queries.ts, value-signals.ts, tags.queries.ts) written as one DuckDB
 * statement over the raw events `events(customer_id, ts, kind, amount)`, with the generator's
 * kinds mapped as bench/scoring loads them into Hatchery: 1 order (amount = fen), 2 chat
 * (message.sent), 3 reaction (pat), 4 check-in, 5 share, 6 content post (amount = engagement),
 * 7 referral. The workspace's time zone is UTC, so a business day is ts // 86400.
 *
 * Every formula keeps Hatchery's order of float8 operations, so that equal inputs give equal bits;
 * only the recency-weighted interaction sum is added up in another order (DuckDB sums in
 * parallel), which may differ in the last bits.
 */

const QUINTILES = [0.2, 0.4, 0.6, 0.8];
/** recency_weight's epoch (0003-value-engine.ts): 2020-01-01T00:00Z. */
const RECENCY_EPOCH = 1_577_836_800;

/** A DuckDB list of doubles, each exactly the JavaScript number. */
export const doubles = (xs: readonly number[]) => `[${xs.map((x) => `${x}::double`).join(', ')}]`;
const d = (x: number) => `${x}::double`;

function recencyWeight(epochSeconds: string) {
  return `exp(((${epochSeconds} - ${RECENCY_EPOCH})::double / 86400::double) * ln(2::double) / 30::double)`;
}

/** How many of the four sorted cut-offs `c` lie strictly below `v` (as `below` in scores.queries.ts). */
const below4 = (v: string, c: string) => [1, 2, 3, 4].map((k) => `(${v} > ${c}[${k}])::int`).join(' + ');

/**
 * below(v, the 99 centile cut-offs of v) of scores.queries.ts, for every customer, from v's rank instead of
 * from the cut-offs. PostgreSQL's percentile_disc(f) is the value at sorted position
 * p = ceil(f · n) (f · n in float8), so that cut-off lies strictly below v exactly when p ≤ worse,
 * the number of customers strictly below v (rank − 1). With exact arithmetic that makes the count
 * k0 = floor(100 · worse / n); in float8 f = k/100 may put p one past k·n/100 when that is a whole
 * number, so the k0-th cut-off is checked as PostgreSQL places it. One sort a signal, where
 * counting against 99 cut-offs a customer (or DuckDB's quantile_disc over 99 fractions) costs
 * several times the whole aggregation.
 */
function centileOf(value: string, from: string) {
  const worse = `(rank() over (order by ${value}) - 1)`;
  const n = `count(*) over ()`;
  return `(select customer_id, k0 - (k0 >= 1 and ceil((k0 / 100::double) * n) > worse)::int as below from (
      select customer_id, worse, n, least(99, (100 * worse) // n) as k0
      from (select customer_id, ${worse} as worse, ${n} as n from ${from})))`;
}

/**
 * Expected lifetime value as scores.queries.ts's lifetimeValue computes it (same float8 operations),
 * with the factors table duck.ts makes of Hatchery's; null without models.
 */
function lifetimeValue(models: LifetimeFactors['models'] | null) {
  if (!models) {
    return { value: 'null::double', join: '' };
  }
  const { r, alpha, a, b } = models.purchases;
  const { p, q, v } = models.spend;
  const x = '(s.order_days - 1)';
  const weight = `(${d(p)} * ${x} / (${d(p)} * ${x} + ${d(q - 1)}))`;
  const mean = `case when s.order_days > 1 then (s.net_fen - s.first_day_fen)::double / ${x} else 0 end`;
  const spend = `((1 - ${weight}) * ${d((p * v) / (q - 1))} + ${weight} * ${mean})`;
  const odds = `ln(${d(a)} / (${d(b - 1)} + ${x}))
    + (${d(r)} + ${x}) * ln((${d(alpha)} + (s.today - s.first_day)) / (${d(alpha)} + (s.last_day - s.first_day)))`;
  const alive = `case when s.order_days = 1 then 1 else 1 / (1 + exp(least(700, ${odds}))) end`;
  return {
    value: `case when s.last_day <= s.today then ${spend} * ${alive} * f.discounted end`,
    join: 'left join lifetime_factors f on f.x = s.order_days - 1 and f.t = s.today - s.first_day',
  };
}

export function duckScoresSql(
  asOfEpoch: number,
  lifetime: LifetimeFactors['models'] | null,
  model = DEFAULT_VALUE_MODEL,
) {
  const today = Math.floor(asOfEpoch / 86400);
  const clv = lifetimeValue(lifetime);
  const w = model.weights;
  const a = model.activity_days;
  return `
create or replace table hatchery_scores as
with plain as (
  select customer_id,
    count(*) filter (where kind = 1) as orders,
    coalesce(sum(amount) filter (where kind = 1), 0) as net_fen,
    max(ts) filter (where kind = 1) // 86400 as last_day,
    min(ts) filter (where kind = 1) // 86400 as first_day,
    coalesce(sum(${recencyWeight('ts')} * (case when kind = 4 then 3 else 1 end)) filter (where kind in (2, 3, 4)),
      0::double) as interaction_weight,
    count(*) filter (where kind = 6) as posts,
    coalesce(sum(amount) filter (where kind = 6), 0) as engagement,
    count(*) filter (where kind = 5) as shares,
    count(*) filter (where kind = 7) as referrals
  from events group by customer_id
), firsts as (
  -- Spend on the first purchase day: the part of net_fen lifetimes' monetary value leaves out.
  select e.customer_id, sum(e.amount) as first_day_fen
  from events e join plain p on p.customer_id = e.customer_id and e.ts // 86400 = p.first_day
  where e.kind = 1 group by e.customer_id
), days as (
  -- Purchase days, and active days (chat, reaction, check-in) in the last 30 days.
  select customer_id, count(*) filter (where bought) as order_days, count(*) filter (where not bought) as active_days_30
  from (
    select distinct customer_id, ts // 86400 as day, kind = 1 as bought from events
    where kind = 1 or (kind in (2, 3, 4) and ts // 86400 between ${today - 29} and ${today})
  ) group by customer_id
), stats as (
  select p.*, coalesce(d.order_days, 0) as order_days, coalesce(d.active_days_30, 0) as active_days_30,
    coalesce(fd.first_day_fen, 0) as first_day_fen, ${today} as today
  from plain p left join days d using (customer_id) left join firsts fd using (customer_id)
), valued as (
  select s.*, case when s.orders > 0 then ${clv.value} end as clv from stats s ${clv.join}
), sig as (
  select p.*,
    ${d(20)} * ln(1 + ${d(1)} * (interaction_weight / ${recencyWeight(String(asOfEpoch))})
      + ${d(2)} * active_days_30 + ${d(2)} * 0) as interaction_raw,
    ${d(10)} * ln(1 + posts) + ${d(5)} * ln(1 + engagement) + ${d(2)} * ln(1 + 0) as content_raw,
    ${d(20)} * ln(1 + ${d(1)} * shares + ${d(5)} * referrals + ${d(0.0005)} * 0) as social_raw
  from valued p
), c1 as (
  select
    quantile_disc(last_day, ${doubles(QUINTILES)}) filter (where orders > 0) as r,
    quantile_disc(order_days, ${doubles(QUINTILES)}) filter (where orders > 0) as f,
    quantile_disc(net_fen, ${doubles(QUINTILES)}) filter (where orders > 0) as m,
    quantile_disc(clv, ${doubles(QUINTILES)}) filter (where clv is not null) as v
  from sig
), bi as ${centileOf('interaction_raw', 'sig')}, bc as ${centileOf('content_raw', 'sig')},
bs as ${centileOf('social_raw', 'sig')},
rfm as (
  select s.customer_id, s.active_days_30,
    case when orders > 0 then 1 + ${below4('last_day', 'c1.r')} else 0 end as r,
    case when orders > 0 then 1 + ${below4('order_days', 'c1.f')} else 0 end as f,
    case when orders > 0 then 1 + ${below4('net_fen', 'c1.m')} else 0 end as m,
    ${lifetime ? `case when clv is not null then 1 + ${below4('clv', 'c1.v')} else 0 end` : '0'} as v,
    bi.below::int as interaction, bc.below::int as content, bs.below::int as social
  from sig s cross join c1 join bi using (customer_id) join bc using (customer_id) join bs using (customer_id)
), br as ${centileOf('r + f + m + v', 'rfm')},
v as (
  select customer_id, r, f, m, br.below::int as consumption, interaction, content, social, active_days_30
  from rfm join br using (customer_id)
), t as (
  select *,
    (${d(w.consumption)} * consumption + ${d(w.interaction)} * interaction + ${d(w.content)} * content
      + ${d(w.social)} * social)::float as total,
    ((content + social) / ${d(2)})::float as koc
  from v
), c3 as (
  select quantile_disc(total, ${d(1 - model.super_user_share)}) as super_user,
    quantile_disc(total, ${d(Math.max(0, 1 - model.super_user_share - model.second_tier_share))}) as second_tier
  from t
)
select customer_id, r, f, m, consumption, interaction, content, social, total, koc,
  case when total >= super_user then 'super_user' when total >= second_tier then 'second_tier' else 'other' end
    as band,
  koc >= ${d(model.koc.min_score)} and koc - consumption >= ${d(model.koc.min_lead_over_consumption)} as koc_candidate,
  case when active_days_30 >= ${a.very_active} then 'activity:very_active'
       when active_days_30 >= ${a.active} then 'activity:active'
       when active_days_30 >= ${a.occasional} then 'activity:occasional'
       else 'activity:silent' end as activity
from t cross join c3`;
}

/** The top 1,000 by total, as Hatchery's ranking orders them. */
export const DUCK_TOP =
  'select customer_id, total from hatchery_scores order by total desc, customer_id limit 1000';
