import { type RawBuilder, sql } from 'kysely';
import { businessDay, startOfBusinessDay } from '../scoring/calendar-day.ts';
import { type Comparison, FIELDS, type FieldName, type Filter, type TagPredicate } from './filter.schema.ts';

/**
 * Compiles a validated filter to a SQL condition: a pure function from the tree to a Kysely
 * fragment, run by segments.queries.ts and tag-rules.queries.ts (the one exception to "only
 * *.queries.ts files build SQL": it builds a fragment and never runs it, see ARCHITECTURE.md).
 *
 * Safety: every value the caller gave is a bound parameter (`${value}` in a `sql` template);
 * field names never come from the caller's text — the field is looked up in FIELD_SQL, whose
 * expressions are written here; operators come from the fixed SQL_OPS map.
 *
 * The condition reads the row aliases of the source segments.queries.ts builds:
 *   s  = customer_stats (one row per live customer of the workspace; the universe),
 *   sc = customer_scores, left-joined (absent before the workspace's first rescore).
 *
 * Logic is two-valued: a comparison on a missing value (no scores yet, no purchase for
 * days_since_last_order) is false — never SQL's unknown — so `not` of it is true, exactly as
 * evaluate-filter.ts, the reference semantics, has it.
 */

export type FilterContext = {
  workspaceId: number;
  /** Tag ages (`since_days`, `within_days`) are measured from this instant. */
  now: Date;
  /** Today's day number in the workspace calendar (days since the last purchase, active days). */
  today: number;
  timeZone: string;
};

export type CompiledFilter = {
  where: RawBuilder<boolean>;
  /** Whether the condition reads customer_scores, so that the source joins it only when needed. */
  usesScores: boolean;
};

const MS_PER_DAY = 86_400_000;
/** 1900-01-01 and 9999-12-31 as epoch days. */
const FIRST_DAY = -25_567;
const LAST_DAY = 2_932_896;

/** The SQL type a field's values are bound as: the column's own, so comparisons use its semantics. */
const SQL_TYPE: Readonly<Record<FieldName, string>> = {
  'stats.orders': 'int',
  'stats.order_days': 'int',
  'stats.net_fen': 'bigint',
  'stats.days_since_last_order': 'int',
  'stats.messages': 'int',
  'stats.checkins': 'int',
  'stats.pats_received': 'int',
  'stats.posts': 'int',
  'stats.exposure': 'bigint',
  'stats.engagement': 'bigint',
  'stats.shares': 'int',
  'stats.referrals': 'int',
  'stats.brought_people': 'int',
  'stats.brought_fen': 'bigint',
  'stats.active_days_7': 'int',
  'stats.active_days_30': 'int',
  'profile.shops': 'text',
  'scores.r': 'int',
  'scores.f': 'int',
  'scores.m': 'int',
  'scores.v': 'int',
  'scores.rfm_group': 'text',
  'scores.consumption': 'int',
  'scores.interaction': 'int',
  'scores.content': 'int',
  'scores.social': 'int',
  // Single-precision columns: the value is rounded to single precision here (see `rounded`) and
  // bound as float8, because binding it as real would refuse values that underflow (5e-324).
  'scores.total': 'float8',
  'scores.koc': 'float8',
  'scores.band': 'text',
  'scores.koc_candidate': 'boolean',
};

/** The SQL expression of each field over the aliases s and sc. */
export function fieldSql(field: FieldName, ctx: FilterContext): RawBuilder<unknown> {
  switch (field) {
    case 'stats.days_since_last_order':
      return sql`(${ctx.today}::int - business_day(s.last_order_at, ${ctx.timeZone}))`;
    case 'stats.active_days_7':
      return sql`active_days_in(s.active_mask, s.last_active_day, ${ctx.today}::int, 7)`;
    case 'stats.active_days_30':
      return sql`active_days_in(s.active_mask, s.last_active_day, ${ctx.today}::int, 30)`;
    case 'profile.shops':
      return sql`s.shops`;
    default: {
      // The remaining names are "<table>.<column>" of columns that exist as named (FIELDS).
      const [table, column] = field.split('.') as [string, string];
      return sql.ref(`${table === 'scores' ? 'sc' : 's'}.${column}`);
    }
  }
}

const SQL_OPS = {
  '=': sql.raw('='),
  '!=': sql.raw('<>'),
  '<': sql.raw('<'),
  '<=': sql.raw('<='),
  '>': sql.raw('>'),
  '>=': sql.raw('>='),
} as const;

/**
 * Days since the last order, compared as instants: "n days ago or more" is "before the start of
 * the business day n − 1 days ago", so the column is compared as stored and no row's last order is
 * converted to a day in the workspace's time zone (one `AT TIME ZONE` a row made such counts
 * several times slower). Days are whole: `> 2.5` means `>= 3`.
 */
function daysSinceLastOrder(node: Comparison, ctx: FilterContext): RawBuilder<boolean> {
  // The instant the business day `days` days before today starts; days are counted within the
  // years 1900–9999 (no order lies outside them, and time zones are only defined within them).
  const start = (days: number) => {
    const day = Math.min(Math.max(ctx.today - days, FIRST_DAY), LAST_DAY);
    return sql`${startOfBusinessDay(day, ctx.timeZone).toISOString()}::timestamptz`;
  };
  const atLeast = (k: number) => sql`s.last_order_at < ${start(Math.ceil(k) - 1)}`;
  const atMost = (k: number) => sql`s.last_order_at >= ${start(Math.floor(k))}`;
  const exactly = (k: number) => (Number.isInteger(k) ? sql`(${atLeast(k)} and ${atMost(k)})` : sql`false`);
  let condition: RawBuilder<unknown>;
  switch (node.op) {
    case 'between':
      condition = sql`(${atLeast(node.value[0])} and ${atMost(node.value[1])})`;
      break;
    case 'in': {
      const values = node.value.filter((v): v is number => typeof v === 'number');
      condition = values.length === 0 ? sql`false` : sql`(${sql.join(values.map(exactly), sql` or `)})`;
      break;
    }
    case '>=':
      condition = atLeast(node.value as number);
      break;
    case '>':
      condition = atLeast(Math.floor(node.value as number) + 1);
      break;
    case '<=':
      condition = atMost(node.value as number);
      break;
    case '<':
      condition = atMost(Math.ceil(node.value as number) - 1);
      break;
    case '=':
      condition = exactly(node.value as number);
      break;
    case '!=':
      condition = sql`(s.last_order_at is not null and not ${exactly(node.value as number)})`;
      break;
    default:
      throw new Error(`days_since_last_order does not take ${node.op}`);
  }
  return sql<boolean>`(${condition}) is true`;
}

function comparison(node: Comparison, ctx: FilterContext): RawBuilder<boolean> {
  if (node.field === 'stats.days_since_last_order') {
    return daysSinceLastOrder(node, ctx);
  }
  const column = fieldSql(node.field, ctx);
  const single = FIELDS[node.field].type === 'number';
  const type = SQL_TYPE[node.field];
  // real columns compare with float8 values by widening, which is exact: rounding the value to
  // single precision first makes `total = 33.333332` mean what the displayed total says.
  const bound = (value: unknown, sqlType: string) =>
    sql`${single && typeof value === 'number' ? Math.fround(value) : value}::${sql.raw(sqlType)}`;
  let condition: RawBuilder<unknown>;
  switch (node.op) {
    case 'between':
      condition = sql`${column} between ${bound(node.value[0], type)} and ${bound(node.value[1], type)}`;
      break;
    case 'in':
      condition = sql`${column} = any(${bound(node.value, `${type}[]`)})`;
      break;
    case 'contains':
      condition = sql`${bound(node.value, 'text')} = any(${column})`;
      break;
    default:
      condition = sql`${column} ${SQL_OPS[node.op]} ${bound(node.value, type)}`;
  }
  // `is true`, not `coalesce(…, false)`: the same two-valued answer, but PostgreSQL estimates
  // `x is true` as it estimates x, while a coalesce gets a flat guess of one half. With that
  // guess a rare filter looked common, and a page walked the whole primary key with a probe per
  // row to find nothing (7.1 s for a match-nobody page at 1M; 0.6 s with the estimate).
  return sql<boolean>`(${condition}) is true`;
}

function tagPredicate(node: TagPredicate, ctx: FilterContext): RawBuilder<boolean> {
  const match = 'tag' in node ? sql`t.tag = ${node.tag}` : sql`starts_with(t.tag, ${node.tag_prefix})`;
  // Ages are cut-offs computed here, not interval arithmetic in SQL: "n days" is n × 24 h whatever
  // the session's time zone, the same as the in-memory evaluation.
  const since =
    node.since_days === undefined
      ? sql`true`
      : sql`t.since <= ${new Date(ctx.now.getTime() - node.since_days * MS_PER_DAY).toISOString()}::timestamptz`;
  const within =
    node.within_days === undefined
      ? sql`true`
      : sql`t.since > ${new Date(ctx.now.getTime() - node.within_days * MS_PER_DAY).toISOString()}::timestamptz`;
  // An index lookup on customer_tags' key (workspace, customer, tag) per customer, or a semi-join
  // over customer_tags_tag (workspace, tag, customer) when the planner prefers it for a count.
  return sql<boolean>`exists (
    select 1 from customer_tags t
    where t.workspace_id = ${ctx.workspaceId} and t.customer_id = s.customer_id and ${match} and ${since} and ${within})`;
}

/** Compiles a filter that `parseFilter` accepted. */
export function compileFilter(filter: Filter, ctx: FilterContext): CompiledFilter {
  let usesScores = false;
  const visit = (node: Filter): RawBuilder<boolean> => {
    if ('all' in node) {
      return node.all.length === 0
        ? sql<boolean>`true`
        : sql<boolean>`(${sql.join(node.all.map(visit), sql` and `)})`;
    }
    if ('any' in node) {
      return node.any.length === 0
        ? sql<boolean>`false`
        : sql<boolean>`(${sql.join(node.any.map(visit), sql` or `)})`;
    }
    if ('not' in node) {
      return sql<boolean>`(not ${visit(node.not)})`;
    }
    if ('field' in node) {
      usesScores ||= node.field.startsWith('scores.');
      return comparison(node, ctx);
    }
    return tagPredicate(node, ctx);
  };
  const where = visit(filter);
  return { where, usesScores };
}

/** The context of a filter evaluated now in a workspace. */
export function filterContext(workspace: { id: number; timeZone: string }, now: Date): FilterContext {
  return {
    workspaceId: workspace.id,
    now,
    today: businessDay(now, workspace.timeZone),
    timeZone: workspace.timeZone,
  };
}
