import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { CompiledFilter } from './compile-filter.ts';
import type { Filter } from './filter.schema.ts';

/**
 * The customers a compiled filter selects, and saved segments.
 *
 * The universe is customer_stats: the activity a batch folds in (scoring/aggregates.queries.ts) gives
 * every customer with events a row, and dropMergedAway removes the rows of customers merged away,
 * so there is exactly one row per live customer and no join with customers is needed. customer_scores is joined only
 * when the filter reads it (a left join, so a customer not scored yet is still there for `not`).
 *
 * Plan of a count on a large workspace (1M customers): one sequential pass over the workspace's
 * customer_stats rows — narrow, every field of the language is a column or an immutable function
 * of columns of that row — hash-joined with customer_scores on its primary key when scores are
 * read; tag predicates become hashed semi-joins fed by an index-only scan of customer_tags_tag
 * (workspace, tag, customer). No per-filter index could serve arbitrary and / or / not trees
 * better than that pass, and the pass has no sort. A page is a walk of customer_stats' primary
 * key from the cursor on, so it stops after `limit` matches however deep the page is.
 */
function source(workspaceId: number, compiled: CompiledFilter, withScores: boolean, ids?: readonly number[]) {
  const scores =
    withScores || compiled.usesScores
      ? sql`left join customer_scores sc on sc.workspace_id = s.workspace_id and sc.customer_id = s.customer_id`
      : sql``;
  // Search hits (a handful of ids) restrict the universe before the filter is looked at.
  const among = ids === undefined ? sql`` : sql`and s.customer_id = any(${ids}::int8[])`;
  return sql`customer_stats s ${scores} where s.workspace_id = ${workspaceId} ${among} and ${compiled.where}`;
}

export async function countMatching(
  db: Db,
  workspaceId: number,
  compiled: CompiledFilter,
  ids?: readonly number[],
) {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from ${source(workspaceId, compiled, false, ids)}`.execute(db);
  return rows[0]?.count ?? 0;
}

/**
 * The exact count if PostgreSQL finds it within `budgetMs` (a statement_timeout local to the
 * transaction), else null: the caller then estimates instead of keeping a connection busy.
 */
export async function countMatchingWithin(
  db: Db,
  workspaceId: number,
  compiled: CompiledFilter,
  budgetMs: number,
  ids?: readonly number[],
): Promise<number | null> {
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`select set_config('statement_timeout', ${String(Math.max(1, Math.round(budgetMs)))}, true)`.execute(
        trx,
      );
      return countMatching(trx, workspaceId, compiled, ids);
    });
  } catch (error) {
    // 57014 query_canceled: the timeout fired (nothing else cancels these statements)
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '57014') {
      return null;
    }
    throw error;
  }
}

/**
 * An estimate of a count from a block sample of customer_stats (TABLESAMPLE SYSTEM, a fixed
 * seed) of about `sampleRows` of the workspace's rows, scaled by the workspace's customers
 * (an index-only count of the primary key). Exact when the workspace is no larger than the sample.
 */
export async function estimateMatching(
  db: Db,
  workspaceId: number,
  compiled: CompiledFilter,
  sampleRows: number,
): Promise<number> {
  const { rows: all } = await sql<{ n: number }>`
    select count(*)::int as n from customer_stats where workspace_id = ${workspaceId}`.execute(db);
  const total = all[0]?.n ?? 0;
  if (total <= sampleRows) {
    return countMatching(db, workspaceId, compiled);
  }
  const percent = (100 * sampleRows) / total;
  const scores = compiled.usesScores
    ? sql`left join customer_scores sc on sc.workspace_id = s.workspace_id and sc.customer_id = s.customer_id`
    : sql``;
  const { rows } = await sql<{ seen: number; hits: number }>`
    select count(*)::int as seen, count(*) filter (where ${compiled.where})::int as hits
    from customer_stats s tablesample system (${percent}::float4) repeatable (7) ${scores}
    where s.workspace_id = ${workspaceId}`.execute(db);
  const sample = rows[0];
  return sample && sample.seen > 0 ? Math.round((sample.hits / sample.seen) * total) : 0;
}

/** Only the ids, in id order: what tests compare with the in-memory evaluation. */
export async function findMatchingIds(db: Db, workspaceId: number, compiled: CompiledFilter) {
  const { rows } = await sql<{ customer_id: number }>`
    select s.customer_id from ${source(workspaceId, compiled, false)} order by s.customer_id`.execute(db);
  return rows.map((r) => r.customer_id);
}

/**
 * A keyset page of matching ids (after `after`, in id order), optionally among given ids: the
 * customer list's filtered pages, whose summary columns customer-list.queries.ts then adds.
 */
export async function findMatchingIdPage(
  db: Db,
  workspaceId: number,
  compiled: CompiledFilter,
  page: { limit: number; after: number; ids?: readonly number[] | undefined },
) {
  const { rows } = await sql<{ customer_id: number }>`
    select s.customer_id from ${source(workspaceId, compiled, false, page.ids)}
      and s.customer_id > ${page.after}::bigint
    order by s.customer_id
    limit ${page.limit}`.execute(db);
  return rows.map((r) => r.customer_id);
}

export type SegmentCustomerRow = {
  customer_id: number;
  /** The main identity, masked: a phone if there is one. */
  display: string | null;
  orders: number;
  net_fen: number;
  total: number | null;
  band: string | null;
  rfm_group: string | null;
  r: number | null;
  f: number | null;
  m: number | null;
  consumption: number | null;
  interaction: number | null;
  content: number | null;
  social: number | null;
  koc_candidate: boolean | null;
  tags: string[];
};

/** A page of matching customers in id order, from after `after` (keyset). */
export async function findMatchingPage(
  db: Db,
  workspaceId: number,
  compiled: CompiledFilter,
  page: { limit: number; after: number; ids?: readonly number[] | undefined },
) {
  const { rows } = await sql<SegmentCustomerRow>`
    select s.customer_id,
      (select masked from identities i
       where i.workspace_id = ${workspaceId} and i.customer_id = s.customer_id
       order by i.kind = 'phone' desc, i.id limit 1) as display,
      s.orders, s.net_fen, sc.total, sc.band, sc.rfm_group, sc.r, sc.f, sc.m,
      sc.consumption, sc.interaction, sc.content, sc.social, sc.koc_candidate,
      array(select t.tag from customer_tags t
            where t.workspace_id = ${workspaceId} and t.customer_id = s.customer_id order by t.tag) as tags
    from ${source(workspaceId, compiled, true, page.ids)} and s.customer_id > ${page.after}::bigint
    order by s.customer_id
    limit ${page.limit}`.execute(db);
  return rows;
}

export type SegmentRow = {
  id: number;
  name: string;
  filter: unknown;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
};

const SEGMENT_COLUMNS = [
  'id',
  'name',
  'filter',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
] as const;

export function listSegmentRows(db: Db, workspaceId: number): Promise<SegmentRow[]> {
  return db
    .selectFrom('segments')
    .select(SEGMENT_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
}

export function findSegmentRow(db: Db, workspaceId: number, id: number): Promise<SegmentRow | undefined> {
  return db
    .selectFrom('segments')
    .select(SEGMENT_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Inserts a segment; undefined when the name is taken. */
export function insertSegment(
  db: Db,
  workspaceId: number,
  segment: { name: string; filter: Filter; actor: string },
): Promise<SegmentRow | undefined> {
  return db
    .insertInto('segments')
    .values({
      workspace_id: workspaceId,
      name: segment.name,
      filter: JSON.stringify(segment.filter),
      created_by: segment.actor,
      updated_by: segment.actor,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(SEGMENT_COLUMNS)
    .executeTakeFirst();
}

export async function nameTaken(db: Db, workspaceId: number, name: string, exceptId: number) {
  const row = await db
    .selectFrom('segments')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .where('id', '<>', exceptId)
    .executeTakeFirst();
  return row !== undefined;
}

export function updateSegmentRow(
  db: Db,
  workspaceId: number,
  id: number,
  segment: { name: string; filter: Filter; actor: string },
): Promise<SegmentRow | undefined> {
  return db
    .updateTable('segments')
    .set({
      name: segment.name,
      filter: JSON.stringify(segment.filter),
      updated_by: segment.actor,
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(SEGMENT_COLUMNS)
    .executeTakeFirst();
}

export async function deleteSegmentRow(db: Db, workspaceId: number, id: number) {
  const result = await db
    .deleteFrom('segments')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
