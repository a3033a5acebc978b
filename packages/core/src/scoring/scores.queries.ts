import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { ValueModelConfig } from '../db/database.ts';
import { discountedPurchasesIfAlive } from './gamma-gamma.ts';
import { CLV_MONTHS, type LifetimeModels } from './lifetime-scores.ts';
import { CLASSIC_RFM_GROUPS } from './rfm-groups.ts';
import { CONTENT_TERMS, INTERACTION_TERMS, LOG_SCALE, SOCIAL_TERMS } from './value-signals.ts';

/**
 * Scores as set-based SQL over customer_stats: one statement finds the R, F and M cut-offs of a
 * workspace, which need no lifetime models; one scores every customer against them — finding the
 * cut-offs that rank what it computes (V, the four values, the bands) on the way — or a few
 * customers against the last run's. The rules:
 *
 * - R, F, M (buyers only) are 1 + the number of quintile cut-offs strictly below the customer's
 *   value — which is exactly rfm-scores.ts's `1 + floor(5 × worse / n)`: the k-th quintile
 *   `percentile_disc(k/5)` lies below v iff at least k·n/5 customers are strictly worse. R ranks
 *   the day of the last purchase, F purchase days, M spend net of refunds, and V (when the
 *   workspace's lifetime models could be fitted) the expected lifetime value.
 * - Consumption ranks R + F + M + V: what a customer has spent and what they are expected to spend.
 * - Each of the four values is the number of the 99 centile cut-offs strictly below its raw signal,
 *   i.e. floor(100 × worse / n): the share of the workspace the customer is strictly ahead of, in
 *   whole percent (0–99). Equal signals score alike, and people with no signal at all score 0.
 * - Because scores need only the cut-offs, one customer can be rescored alone against the cut-offs
 *   of the last full run: that is how scores follow a new event within the event's transaction.
 */

export type Cutoffs = {
  /** Quintile cut-offs among buyers (4 each, ascending); empty without buyers. */
  r: number[];
  f: number[];
  m: number[];
  /** Quintile cut-offs of expected lifetime value among buyers; absent in runs made before it. */
  v?: number[];
  /** Centile cut-offs over all customers (99 each, ascending). */
  consumption: number[];
  interaction: number[];
  content: number[];
  social: number[];
  /** Buyers and the sums of their R, F and M scores: the means of the eight groups. */
  buyers: number;
  sums: { r: number; f: number; m: number };
  /** Lowest total of a super user and of the second-tier core (null: nobody). */
  total: { super_user: number | null; second_tier: number | null };
  /** BG/NBD and Gamma-Gamma parameters (days, fen) fitted in the run; null when they could not be. */
  lifetime: LifetimeModels | null;
};

export type ScoringClock = { asOf: Date; today: number; timeZone: string };

const QUINTILES = [0.2, 0.4, 0.6, 0.8];
const CENTILES = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);

const num = (n: number) => sql`${n}::float8`;

/** Σ weight · column, or Σ weight · ln(1 + column), over the terms of value-signals.ts. */
function weighted(terms: Readonly<Record<string, number>>, logOfEach: boolean) {
  return sql.join(
    Object.entries(terms).map(([column, w]) =>
      logOfEach ? sql`${num(w)} * ln(1 + ${sql.ref(column)})` : sql`${num(w)} * ${sql.ref(column)}`,
    ),
    sql` + `,
  );
}

/**
 * What scoring needs of the lifetime models to value customers in SQL. A customer's expected
 * lifetime value is expected spend × P(alive) × the discounted purchases expected of them if alive
 * (gamma-gamma.ts): the first two are closed forms, written in SQL below; the last needs the
 * hypergeometric function but depends only on the repeat purchase days x and the age T, so it is
 * computed here once for each (x, T) the customers scored have.
 */
export type LifetimeFactors = {
  models: LifetimeModels;
  x: number[];
  T: number[];
  discounted: number[];
};

/** A buyer's repeat purchase days x and age T in days: what the lifetime factors depend on. */
type RepeatsAndAge = { x: number; T: number };

/** The lifetime factors of every buyer of a workspace (or of `customerIds`); null without models. */
export async function findLifetimeFactors(
  db: Db,
  workspaceId: number,
  clock: ScoringClock,
  models: LifetimeModels | null | undefined,
  customerIds: readonly number[] | null,
): Promise<LifetimeFactors | null> {
  if (!models) {
    return null;
  }
  const { rows } = await sql<RepeatsAndAge>`
    select distinct order_days - 1 as x, ${clock.today}::int - business_day(first_order_at, ${clock.timeZone}) as "T"
    from (${statsOf(workspaceId, customerIds)}) cs
    where orders > 0 and business_day(first_order_at, ${clock.timeZone}) <= ${clock.today}::int`.execute(db);
  return lifetimeFactors(models, rows);
}

/** The lifetime factors of the (x, T) pairs given (distinct ones). */
export function lifetimeFactors(models: LifetimeModels, pairs: readonly RepeatsAndAge[]): LifetimeFactors {
  const options = { unit: 'days', months: CLV_MONTHS } as const;
  return {
    models,
    x: pairs.map((p) => p.x),
    T: pairs.map((p) => p.T),
    discounted: pairs.map((p) => discountedPurchasesIfAlive(models.purchases, p.x, p.T, options)),
  };
}

/** customer_stats of a workspace, or of a few customers one index probe each (see aggregates.queries.ts on "offset 0"). */
function statsOf(workspaceId: number, customerIds: readonly number[] | null) {
  return customerIds === null
    ? sql`select * from customer_stats where workspace_id = ${workspaceId}`
    : sql`select c.* from unnest(${customerIds}::bigint[]) as k(id) cross join lateral (
            select * from customer_stats where workspace_id = ${workspaceId} and customer_id = k.id offset 0
          ) c`;
}

/**
 * Expected lifetime value in fen (null for non-buyers and without models) as conditionalExpectedAverageSpend
 * × probabilityAlive × the factor of the customer's (x, T), as customerLifetimeValue computes it. The
 * exponent of P(alive) is capped: exp overflows in SQL where it gives ∞ in JavaScript.
 */
function lifetimeValue(factors: LifetimeFactors | null) {
  if (!factors) {
    return sql`null::float8`;
  }
  const { r, alpha, a, b } = factors.models.purchases;
  const { p, q, v } = factors.models.spend;
  const x = sql`(s.order_days - 1)`;
  const weight = sql`(${num(p)} * ${x} / (${num(p)} * ${x} + ${num(q - 1)}))`;
  const mean = sql`case when s.order_days > 1 then (s.net_fen - s.first_day_fen)::float8 / ${x} else 0 end`;
  const spend = sql`((1 - ${weight}) * ${num((p * v) / (q - 1))} + ${weight} * ${mean})`;
  const odds = sql`ln(${num(a)} / (${num(b - 1)} + ${x}))
    + (${num(r)} + ${x}) * ln((${num(alpha)} + (s.today - s.first_day)) / (${num(alpha)} + (s.last_day - s.first_day)))`;
  const alive = sql`case when s.order_days = 1 then 1 else 1 / (1 + exp(least(700, ${odds}))) end`;
  const { keys, values } = factorLookup(factors);
  const factor = sql`nullif((${values}::float8[])[width_bucket(${pairKey(x, sql`s.today - s.first_day`)},
    ${keys}::bigint[])], 'NaN')`;
  return sql`case when s.last_day <= s.today then ${spend} * ${alive} * ${factor} end`;
}

/**
 * A buyer's (x, T) as one number, x · 2^21 + T: T is never negative where it counts (the first
 * purchase is not after the clock's day), and both are far below 2^21 days, so the number is
 * exact in JavaScript and its order is that of x, then T.
 */
const PAIR_SHIFT = 2 ** 21;

function pairKey(x: RawBuilder<unknown>, T: RawBuilder<unknown>) {
  return sql`((${x})::bigint * ${PAIR_SHIFT} + (${T}))`;
}

/**
 * The factors as a lookup by binary search (width_bucket) over their sorted (x, T) keys: a hash
 * join of every customer with them cost twice what the rest of a customer's lifetime value does
 * on PGlite. After each key k the next number k + 1 starts a bucket of NaN (unless it is a key
 * itself), so a pair without a factor — a customer whose orders changed since the pairs were
 * listed — finds none rather than its neighbour's.
 */
function factorLookup(factors: LifetimeFactors) {
  const pairs = factors.x
    .map((x, i) => ({ key: x * PAIR_SHIFT + factors.T[i]!, value: factors.discounted[i]! }))
    .sort((p, q) => p.key - q.key);
  const keys: number[] = [];
  const values: number[] = [];
  pairs.forEach(({ key, value }, i) => {
    keys.push(key);
    values.push(value);
    if (pairs[i + 1]?.key !== key + 1) {
      keys.push(key + 1);
      values.push(Number.NaN);
    }
  });
  return { keys, values };
}

/** The raw signals of every customer of a workspace (or of `customerIds`), as of the clock. */
export function signals(
  workspaceId: number,
  clock: ScoringClock,
  customerIds: readonly number[] | null,
  factors: LifetimeFactors | null,
) {
  return sql`
    select s.*,
      ${num(LOG_SCALE)} * ln(1 + ${weighted(INTERACTION_TERMS, false)}) as interaction_raw,
      ${weighted(CONTENT_TERMS, true)} as content_raw,
      ${num(LOG_SCALE)} * ln(1 + ${weighted(SOCIAL_TERMS, false)}) as social_raw,
      case when s.orders > 0 then ${lifetimeValue(factors)} end as clv
    from (
      select customer_id, orders, first_order_at, last_order_at,
        business_day(first_order_at, ${clock.timeZone}) as first_day,
        business_day(last_order_at, ${clock.timeZone}) as last_day, ${clock.today}::int as today,
        order_days, net_fen, first_day_fen, shops,
        active_days_in(active_mask, last_active_day, ${clock.today}::int, 30) as active_days_30,
        interaction_weight / recency_weight(${clock.asOf.toISOString()}::timestamptz) as recent_interaction,
        messages, checkins, pats_given, questionnaires,
        pats_received, posts, exposure, engagement, shares, referrals, brought_people, brought_fen
      from (${statsOf(workspaceId, customerIds)}) cs
    ) s`;
}

/**
 * How many of the sorted cut-offs lie strictly below `value`, given them negated and in reverse:
 * width_bucket counts the ones at or below its operand, and negating turns "below" around (none
 * when there are none). Written out rather than a SQL function, which PostgreSQL would not inline
 * where the cut-offs are a subquery's, calling it for every customer.
 */
function below(value: RawBuilder<unknown>, negatedCutoffs: RawBuilder<unknown>) {
  return sql`(cardinality(${negatedCutoffs}) - width_bucket(-(${value})::float8, ${negatedCutoffs}))`;
}

/** Negated and reversed, as `below` takes them. */
function negated(cutoffs: readonly number[]) {
  return sql`${cutoffs.map((c) => -c).reverse()}::float8[]`;
}

/** The same in SQL, for cut-offs a statement finds itself (an array column). */
function negatedInSql(column: string) {
  return sql`array(select -c::float8 from unnest(${sql.ref(column)}) as c order by c desc)`;
}

function rfmOf(c: RfmCutoffs) {
  return sql`
    case when orders > 0 then 1 + ${below(sql`last_day`, negated(c.r))} else 0 end as r,
    case when orders > 0 then 1 + ${below(sql`order_days`, negated(c.f))} else 0 end as f,
    case when orders > 0 then 1 + ${below(sql`net_fen`, negated(c.m))} else 0 end as m`;
}

/** V: the lifetime value's quintile among buyers, against cut-offs negated and reversed (none: 0). */
function valueScore(negatedV: RawBuilder<unknown> | null) {
  return negatedV ? sql`case when clv is not null then 1 + ${below(sql`clv`, negatedV)} else 0 end` : sql`0`;
}

/** The cut-offs a full run finds before it scores; the others come with the scores. */
export type RfmCutoffs = Pick<Cutoffs, 'r' | 'f' | 'm'>;

/**
 * The quintiles of R, F and M among buyers of a workspace as of the clock, which the scores
 * statement ranks every buyer against as it reads them: a run finds them while it fits the
 * lifetime models on another connection. The same pass lists the buyers' distinct (x, T), which
 * the lifetime factors are computed for once the models are fitted: one scan of the workspace
 * fewer, which PGlite, with its one connection, would otherwise make after the fit.
 */
export async function findRfmCutoffs(
  db: Db,
  workspaceId: number,
  clock: ScoringClock,
): Promise<{ cutoffs: RfmCutoffs; buyers: RepeatsAndAge[] }> {
  // Each pair travels as one number (pairKey).
  const { rows } = await sql<
    { [K in keyof RfmCutoffs]: (number | string)[] | null } & { pairs: number[] | null }
  >`
    select
      percentile_disc(${QUINTILES}::float8[]) within group (order by last_day) filter (where orders > 0) as r,
      percentile_disc(${QUINTILES}::float8[]) within group (order by order_days) filter (where orders > 0) as f,
      percentile_disc(${QUINTILES}::float8[]) within group (order by net_fen) filter (where orders > 0) as m,
      array_agg(distinct ${pairKey(sql`order_days - 1`, sql`today - first_day`)})
        filter (where orders > 0 and first_day <= today) as pairs
    from (${signals(workspaceId, clock, null, null)}) s`.execute(db);
  const first = rows[0];
  return {
    cutoffs: { r: numbers(first?.r), f: numbers(first?.f), m: numbers(first?.m) },
    buyers: (first?.pairs ?? []).map((p) => ({ x: Math.floor(p / PAIR_SHIFT), T: p % PAIR_SHIFT })),
  };
}

/** percentile_disc gives numbers as the ordered column's type: bigint arrives as text. */
function numbers(values: readonly (number | string)[] | null | undefined): number[] {
  return (values ?? []).map(Number);
}

/**
 * What the four values and the groups rank a customer against, as SQL: the workspace's centiles
 * of each (negated and reversed, as `below` takes them), its buyers and the sums of their R, F
 * and M scores. A full run computes them in its scores statement, a few customers' update takes
 * the last run's (ranksOf).
 */
type Ranks = Record<'consumption' | 'interaction' | 'content' | 'social', RawBuilder<unknown>> & {
  buyers: RawBuilder<unknown>;
  sums: Record<'r' | 'f' | 'm', RawBuilder<unknown>>;
};

function ranksOf(c: Cutoffs): Ranks {
  return {
    consumption: negated(c.consumption),
    interaction: negated(c.interaction),
    content: negated(c.content),
    social: negated(c.social),
    buyers: sql`${c.buyers}::bigint`,
    sums: { r: sql`${c.sums.r}::bigint`, f: sql`${c.sums.f}::bigint`, m: sql`${c.sums.m}::bigint` },
  };
}

/** The group code of each buyer: each score compared with the workspace mean (rfm-groups.ts). */
function groupOf(ranks: Ranks) {
  const up = (score: 'r' | 'f' | 'm') => sql`(${sql.ref(score)} * ${ranks.buyers} > ${ranks.sums[score]})`;
  const cases = CLASSIC_RFM_GROUPS.map(
    (g) =>
      sql`when ${up('r')} = ${g.r === 'up'} and ${up('f')} = ${g.f === 'up'} and ${up('m')} = ${g.m === 'up'} then ${g.code}`,
  );
  return sql`case when orders = 0 then 'none' ${sql.join(cases, sql` `)} end`;
}

/** The signals of a few customers with their R, F, M and V scores against the last run's cut-offs. */
function rankedSignals(
  workspaceId: number,
  run: Pick<ScoreRun, 'cutoffs' | 'factors'>,
  clock: ScoringClock,
  customerIds: readonly number[],
) {
  const { v } = run.cutoffs;
  return sql`select *, ${rfmOf(run.cutoffs)}, ${valueScore(v ? negated(v) : null)} as v
    from (${signals(workspaceId, clock, customerIds, run.factors)}) s`;
}

/**
 * Every column of customer_scores but the band, from the rows of `rankedSignals`.
 *
 * Each level is fenced with "offset 0": flattened, every use of a column would be a copy of its
 * expression (R, F and M appear 24 times in the group's case, the total three times), evaluated
 * again for every row and simplified again at every planning — what a one-customer update pays
 * for each event.
 */
function scoreValues(workspaceId: number, run: FullRun, rows: RawBuilder<unknown>, ranks: Ranks) {
  const { model } = run;
  const w = model.weights;
  return sql`
    select ${workspaceId}::bigint as workspace_id, customer_id, ${run.runId}::bigint as run_id,
      ${run.modelVersion}::int as model_version, r, f, m, v, rfm_group,
      consumption, interaction, content, social, total, koc,
      koc >= ${model.koc.min_score}::float8 and koc - consumption >= ${model.koc.min_lead_over_consumption}::float8
        as koc_candidate,
      now() as scored_at
    from (
      select *, (${w.consumption}::float8 * consumption + ${w.interaction}::float8 * interaction
                 + ${w.content}::float8 * content + ${w.social}::float8 * social)::real as total,
        ((content + social) / 2.0)::real as koc
      from (
        select customer_id, r, f, m, v, ${groupOf(ranks)} as rfm_group,
          ${below(sql`r + f + m + v`, ranks.consumption)} as consumption,
          ${below(sql`interaction_raw`, ranks.interaction)} as interaction,
          ${below(sql`content_raw`, ranks.content)} as content,
          ${below(sql`social_raw`, ranks.social)} as social
        from (${rows} offset 0) q
        offset 0
      ) v
      offset 0
    ) t`;
}

/** The columns a rescoring compares: a row is written only when one of them changed. */
const VALUES = [
  'model_version',
  'r',
  'f',
  'm',
  'v',
  'rfm_group',
  'consumption',
  'interaction',
  'content',
  'social',
  'total',
  'koc',
  'band',
  'koc_candidate',
] as const;
const COLUMNS = ['workspace_id', 'customer_id', 'run_id', ...VALUES, 'scored_at'] as const;

/** True where any score column of the rows aliased `a` and `b` differs. */
function differs(a: string, b: string) {
  return sql.join(
    VALUES.map((c) => sql`${sql.ref(`${a}.${c}`)} is distinct from ${sql.ref(`${b}.${c}`)}`),
    sql` or `,
  );
}

/** The rows of `scoreValues`, banded by the lowest totals of a super user and of the second tier. */
function banded(rows: RawBuilder<unknown>, superUser: RawBuilder<unknown>, secondTier: RawBuilder<unknown>) {
  return sql`
    select *, case when total >= ${superUser} then 'super_user'
      when total >= ${secondTier} then 'second_tier' else 'other' end as band
    from (${rows}) v`;
}

/**
 * Writes the banded scores `rows` gives where they differ from what is stored: an upsert, so that
 * each row is one probe of the key whatever the planner believes. (A full run first sets its rows
 * against a materialised read of the stored ones, so that only changed rows get here; joined with
 * the table itself, the statement that fills it could rescan it for every row, quadratic on a
 * first run.)
 */
function upsertScores(rows: RawBuilder<unknown>) {
  return sql`
    insert into customer_scores as s (${sql.join(COLUMNS.map((c) => sql.ref(c)))})
    select ${sql.join(COLUMNS.map((c) => sql.ref(c)))} from (${rows}) v
    on conflict (workspace_id, customer_id) do update set
      ${sql.join(COLUMNS.slice(2).map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}
    where ${differs('s', 'excluded')}`;
}

export type ScoreRun = {
  runId: number;
  modelVersion: number;
  model: ValueModelConfig;
  cutoffs: Cutoffs;
  /** The lifetime factors of the customers scored (findLifetimeFactors with cutoffs.lifetime). */
  factors: LifetimeFactors | null;
};

/** A full run, before its scores statement has found the cut-offs of V and the four values and the groups' means. */
export type FullRun = Omit<ScoreRun, 'cutoffs'> & { cutoffs: RfmCutoffs };

/**
 * Scores every customer of a workspace (a full run) and returns the cut-offs found among the new
 * scores in the same statement: V's quintiles (of the lifetime values it computes), the centiles
 * of interaction, content and social (of the signals it computes), consumption's centiles and the
 * buyers' R, F and M sums (consumption ranks R + F + M + V, so they follow the quintiles), and the
 * bands: the top `super_user_share` of the workspace by total are super users, the next
 * `second_tier_share` the second-tier core; ties at a boundary are all in.
 *
 * Only rows whose scores changed are written (a nightly run moves few people): `run_id` and
 * `scored_at` say when a customer's scores last changed, not when they were last checked.
 */
export async function writeAllScores(trx: Db, workspaceId: number, run: FullRun, clock: ScoringClock) {
  const { super_user_share: top, second_tier_share: next } = run.model;
  // Without a second tier its cut-off is the super users' own: nobody falls between them.
  const secondShare = next === 0 ? 1 - top : Math.max(0, 1 - top - next);
  // What the statement finds on the way, as scalar subqueries of its one-row parts: each is
  // evaluated once, and every customer's row reads it without a join.
  const ranks: Ranks = {
    consumption: sql`(select negated from g)`,
    interaction: sql`(select negated_interaction from q)`,
    content: sql`(select negated_content from q)`,
    social: sql`(select negated_social from q)`,
    buyers: sql`(select buyers from g)`,
    sums: { r: sql`(select sum_r from g)`, f: sql`(select sum_f from g)`, m: sql`(select sum_m from g)` },
  };
  const v = valueScore(run.factors ? sql`(select negated_v from q)` : null);
  const { rows } = await sql<{
    scored: number;
    written: number;
    v: number[] | null;
    interaction: number[] | null;
    content: number[] | null;
    social: number[] | null;
    consumption: number[] | null;
    buyers: number;
    r: number;
    f: number;
    m: number;
    super_user: number | null;
    second_tier: number | null;
  }>`
    with ranked as materialized (
      select customer_id, orders, ${rfmOf(run.cutoffs)}, clv, interaction_raw, content_raw, social_raw
      from (${signals(workspaceId, clock, null, run.factors)}) s
    ),
    q as materialized (
      select v, ${negatedInSql('v')} as negated_v, interaction, ${negatedInSql('interaction')} as negated_interaction,
        content, ${negatedInSql('content')} as negated_content, social, ${negatedInSql('social')} as negated_social
      from (
        select percentile_disc(${QUINTILES}::float8[]) within group (order by clv) filter (where clv is not null) as v,
          percentile_disc(${CENTILES}::float8[]) within group (order by interaction_raw) as interaction,
          percentile_disc(${CENTILES}::float8[]) within group (order by content_raw) as content,
          percentile_disc(${CENTILES}::float8[]) within group (order by social_raw) as social
        from ranked
      ) t
    ),
    g as materialized (
      select consumption, ${negatedInSql('consumption')} as negated,
        scored, buyers, sum_r, sum_f, sum_m
      from (
        select percentile_disc(${CENTILES}::float8[]) within group (order by r + f + m + ${v}) as consumption,
          count(*) as scored, count(*) filter (where orders > 0) as buyers, coalesce(sum(r), 0)::bigint as sum_r,
          coalesce(sum(f), 0)::bigint as sum_f, coalesce(sum(m), 0)::bigint as sum_m
        from ranked
      ) t
    ),
    v as materialized (${scoreValues(workspaceId, run, sql`select ranked.*, ${v} as v from ranked`, ranks)}),
    b as materialized (
      select percentile_disc(${1 - top}::float8) within group (order by total) as super_user,
        percentile_disc(${secondShare}::float8) within group (order by total) as second_tier
      from v
    ),
    -- What is stored, read once and set against the new scores in one full join: a warm run then
    -- finds the few rows that changed, appeared or went without a key probe per customer. A full
    -- join is hashed or merged, never a loop, so the table is not rescanned for each new row.
    stored as (
      select customer_id, ${sql.join(VALUES.map((c) => sql.ref(c)))} from customer_scores
      where workspace_id = ${workspaceId}
    ),
    diff as materialized (
      select n.*, o.customer_id as stored_id
      from (${banded(sql`select * from v`, sql`(select super_user from b)`, sql`(select second_tier from b)`)}) n
      full join stored o on o.customer_id = n.customer_id
      where n.customer_id is null or o.customer_id is null or ${differs('o', 'n')}
    ),
    written as (
      ${upsertScores(sql`select * from diff where customer_id is not null`)}
      returning 1
    ),
    -- Scores of customers who have no aggregates any more, so were not scored (dropMergedAway
    -- removes merged ones already).
    gone as (
      delete from customer_scores s using diff d
      where s.workspace_id = ${workspaceId} and d.customer_id is null and s.customer_id = d.stored_id
      returning 1
    )
    select g.scored::int as scored,
      ((select count(*) from written) + (select count(*) from gone))::int as written,
      q.v, q.interaction, q.content, q.social, g.consumption,
      g.buyers::int as buyers, g.sum_r::int as r, g.sum_f::int as f, g.sum_m::int as m,
      (select super_user from b), (select second_tier from b)
    from g cross join q`.execute(trx);
  const row = rows[0]!;
  const cutoffs: Cutoffs = {
    ...run.cutoffs,
    ...(run.factors ? { v: numbers(row.v) } : {}),
    interaction: numbers(row.interaction),
    content: numbers(row.content),
    social: numbers(row.social),
    consumption: numbers(row.consumption),
    buyers: row.buyers,
    sums: { r: row.r, f: row.f, m: row.m },
    total: { super_user: row.super_user, second_tier: row.second_tier },
    lifetime: run.factors?.models ?? null,
  };
  return { scored: row.scored, written: row.written, cutoffs };
}

/**
 * Rescores a few customers against the cut-offs and lifetime models of the last run (after their
 * events arrived).
 */
export async function writeScoresOf(
  db: Db,
  workspaceId: number,
  run: Omit<ScoreRun, 'factors'>,
  clock: ScoringClock,
  customerIds: readonly number[],
) {
  if (customerIds.length === 0) {
    return;
  }
  const { total, lifetime } = run.cutoffs;
  const factors = await findLifetimeFactors(db, workspaceId, clock, lifetime, customerIds);
  const ranked = rankedSignals(workspaceId, { cutoffs: run.cutoffs, factors }, clock, customerIds);
  await upsertScores(
    banded(
      scoreValues(workspaceId, { ...run, factors }, ranked, ranksOf(run.cutoffs)),
      sql`${total.super_user}::real`,
      sql`${total.second_tier}::real`,
    ),
  ).execute(db);
}

/**
 * Vacuums the scores and tags after a full run, and with `analyze` refreshes the planner's
 * statistics of both. PGlite has no autovacuum at all: every score a run or an event changes
 * leaves a dead row and its index entries (a changed total is never a heap-only update), which
 * nothing else would ever reclaim — nightly runs moving a fifth of 100,000 customers grew the
 * scores' indexes by 3 MB a run. Vacuuming tables with nothing to reclaim takes under a
 * millisecond (their pages are marked all-visible); statistics take a sample of both, so they
 * are refreshed only when many rows changed. Not in a transaction: vacuum cannot run in one.
 */
export async function vacuumScores(db: Db, { analyze }: { analyze: boolean }) {
  await (analyze
    ? sql`vacuum (analyze) customer_scores, customer_tags`
    : sql`vacuum customer_scores, customer_tags`
  ).execute(db);
}

type SignalRow = {
  orders: number;
  first_order_at: Date | null;
  last_order_at: Date | null;
  order_days: number;
  net_fen: number;
  first_day_fen: number;
  active_days_30: number;
  recent_interaction: number;
  messages: number;
  checkins: number;
  pats_given: number;
  questionnaires: number;
  pats_received: number;
  posts: number;
  exposure: number;
  engagement: number;
  shares: number;
  referrals: number;
  brought_people: number;
  brought_fen: number;
  clv: number | null;
};

/** One customer's signals, valued with the lifetime models of `lifetime` (a run's cut-offs). */
export async function findSignalsOf(
  db: Db,
  workspaceId: number,
  clock: ScoringClock,
  customerId: number,
  lifetime: LifetimeModels | null,
) {
  const factors = await findLifetimeFactors(db, workspaceId, clock, lifetime, [customerId]);
  const { rows } = await sql<SignalRow>`
    select * from (${signals(workspaceId, clock, [customerId], factors)}) s`.execute(db);
  return rows[0];
}

export async function findScoreOf(db: Db, workspaceId: number, customerId: number) {
  return db
    .selectFrom('customer_scores')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

/**
 * Lifetime summaries of a deterministic sample of at most `size` buyers (every k-th customer id),
 * in days, grouped: what the BG/NBD and Gamma-Gamma fits read. A sample fits the workspace's
 * four parameters as well as everyone would, at a fraction of the reading. The groups come as one
 * row of arrays: thousands of rows would take PGlite longer to hand over than to find.
 */
export async function lifetimeSample(db: Db, workspaceId: number, clock: ScoringClock, size: number) {
  const { rows } = await sql<{
    frequency: number[] | null;
    recency: number[] | null;
    T: number[] | null;
    monetary: number[] | null;
    count: number[] | null;
  }>`
    with every as (
      select greatest(1, ceil(count(*) / ${size}::float8))::bigint as k
      from customer_stats where workspace_id = ${workspaceId} and orders > 0
    ),
    groups as (
      select order_days - 1 as frequency, last_day - first_day as recency, ${clock.today}::int - first_day as "T",
        case when order_days > 1 then (net_fen - first_day_fen)::float8 / (order_days - 1) else 0 end as monetary,
        count(*)::int as count
      from (
        select order_days, net_fen, first_day_fen, business_day(first_order_at, ${clock.timeZone}) as first_day,
          business_day(last_order_at, ${clock.timeZone}) as last_day
        from customer_stats
        where workspace_id = ${workspaceId} and orders > 0 and customer_id % (select k from every) = 0
      ) s
      where first_day <= ${clock.today}::int
      group by 1, 2, 3, 4
    )
    select array_agg(frequency) as frequency, array_agg(recency) as recency, array_agg("T") as "T",
      array_agg(monetary) as monetary, array_agg(count) as count
    from groups`.execute(db);
  const { frequency, recency, T, monetary, count } = rows[0] ?? {};
  return (frequency ?? []).map((f, i) => ({
    frequency: f,
    recency: recency![i]!,
    T: T![i]!,
    monetaryValue: monetary![i]!,
    count: count![i]!,
  }));
}
