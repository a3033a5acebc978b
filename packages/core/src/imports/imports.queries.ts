import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { ImportSummary, OrderItem } from '../db/database.ts';
import type { Reason } from './import-reason.ts';

export function insertImport(
  db: Db,
  row: { workspaceId: number; fileName: string; fileBytes: number; dryRun: boolean; actor: string },
) {
  return db
    .insertInto('imports')
    .values({
      workspace_id: row.workspaceId,
      file_name: row.fileName,
      file_bytes: row.fileBytes,
      dry_run: row.dryRun,
      status: 'running',
      summary: '{}',
      actor: row.actor,
      format: null,
      encoding: null,
      failure: null,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateImport(
  db: Db,
  workspaceId: number,
  id: number,
  patch: {
    format?: string;
    encoding?: string;
    bytesRead?: number;
    summary?: ImportSummary;
    status?: 'done' | 'failed';
    failure?: Reason;
  },
) {
  await db
    .updateTable('imports')
    .set({
      ...(patch.format === undefined ? {} : { format: patch.format }),
      ...(patch.encoding === undefined ? {} : { encoding: patch.encoding }),
      ...(patch.bytesRead === undefined ? {} : { bytes_read: patch.bytesRead }),
      ...(patch.summary === undefined ? {} : { summary: JSON.stringify(patch.summary) }),
      ...(patch.status === undefined ? {} : { status: patch.status, finished_at: new Date() }),
      ...(patch.failure === undefined
        ? {}
        : { failure: patch.failure.en, failure_code: patch.failure.code, failure_zh: patch.failure.zh }),
      heartbeat_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export type ProblemRow = {
  line: number;
  kind: 'rejected' | 'skipped';
  column: string | null;
  reason: Reason;
};

export async function insertProblems(
  db: Db,
  workspaceId: number,
  importId: number,
  rows: readonly ProblemRow[],
) {
  if (rows.length === 0) {
    return;
  }
  await db
    .insertInto('import_problems')
    .values(
      rows.map((r) => ({
        workspace_id: workspaceId,
        import_id: importId,
        line: r.line,
        kind: r.kind,
        column_name: r.column,
        reason: r.reason.en,
        code: r.reason.code,
        reason_zh: r.reason.zh,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function findImport(db: Db, workspaceId: number, id: number) {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listProblems(
  db: Db,
  workspaceId: number,
  importId: number,
  page: { afterLine: number; limit: number },
) {
  return db
    .selectFrom('import_problems')
    .select(['line', 'kind', 'column_name', 'reason', 'code', 'reason_zh'])
    .where('workspace_id', '=', workspaceId)
    .where('import_id', '=', importId)
    .where('line', '>', page.afterLine)
    .orderBy('line')
    .orderBy('kind')
    .limit(page.limit)
    .execute();
}

/** Live profiles and logged merges of a workspace: an import's summary reports the difference. */
export async function countProfiles(
  db: Db,
  workspaceId: number,
): Promise<{ customers: number; merges: number }> {
  const { rows } = await sql<{ customers: number; merges: number }>`
    select (select count(*)::int from customers where workspace_id = ${workspaceId} and merged_into is null) as customers,
           (select count(*)::int from identity_moves where workspace_id = ${workspaceId} and reason = 'merge') as merges`.execute(
    db,
  );
  return rows[0] ?? { customers: 0, merges: 0 };
}

/**
 * Items of an item file, to wait for their order. Within one import the items of an order add up
 * (its rows need not be adjacent); a later import's items for the same order replace them, so
 * importing a file twice does not double them.
 */
export async function upsertPendingItems(
  db: Db,
  workspaceId: number,
  importId: number,
  orders: readonly { source: string; orderId: string; items: readonly OrderItem[] }[],
) {
  if (orders.length === 0) {
    return;
  }
  await sql`
    insert into pending_order_items as p (workspace_id, source, order_id, items, import_id)
    select ${workspaceId}, s, o, it::jsonb, ${importId}
    from unnest(${orders.map((o) => o.source)}::text[], ${orders.map((o) => o.orderId)}::text[],
                ${orders.map((o) => JSON.stringify(o.items))}::text[]) as u(s, o, it)
    on conflict (workspace_id, source, order_id) do update set
      items = case when p.import_id = excluded.import_id then p.items || excluded.items else excluded.items end,
      import_id = excluded.import_id,
      received_at = now()`.execute(db);
}

/**
 * Waiting items whose order.paid (`<source>-order-<id>`, as the order formats name it) is stored,
 * with what an order.items event for them needs: the payment's time and shop, and its anchor
 * identity (the first of the event's identities; all stored identities are matchable). Paged by
 * order id: items still waiting for their order are passed over once, not on every page.
 */
export async function findAttachableItems(
  db: Db,
  workspaceId: number,
  source: string,
  page: { afterOrderId: string | null; limit: number },
) {
  const { rows } = await sql<{
    order_id: string;
    items: OrderItem[];
    occurred_at: Date;
    shop: string;
    kind: string;
    scope: string;
    value_enc: Uint8Array;
  }>`
    select p.order_id, p.items, e.occurred_at, e.properties ->> 'shop' as shop, i.kind, i.scope, i.value_enc
    from pending_order_items p
    join events e on e.workspace_id = p.workspace_id and e.source = p.source
                 and e.event_id = p.source || '-order-' || p.order_id and e.kind = 'order.paid'
    join identities i on i.workspace_id = e.workspace_id and i.id = e.identity_ids[1]
    where p.workspace_id = ${workspaceId} and p.source = ${source}
      and (${page.afterOrderId}::text is null or p.order_id > ${page.afterOrderId}::text)
    order by p.order_id
    limit ${page.limit}`.execute(db);
  return rows;
}

export async function deletePendingItems(
  db: Db,
  workspaceId: number,
  source: string,
  orderIds: readonly string[],
) {
  if (orderIds.length === 0) {
    return;
  }
  await db
    .deleteFrom('pending_order_items')
    .where('workspace_id', '=', workspaceId)
    .where('source', '=', source)
    .where('order_id', 'in', orderIds)
    .execute();
}

export async function countPendingItems(db: Db, workspaceId: number, source: string): Promise<number> {
  const row = await db
    .selectFrom('pending_order_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('source', '=', source)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
