import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

/** The customer a (possibly merged-away) id stands for now, following merged_into. */
export async function resolveCustomerId(db: Db, workspaceId: number, id: number): Promise<number | null> {
  const { rows } = await sql<{ id: number }>`
    with recursive chain(id, merged_into, depth) as (
      select id, merged_into, 0 from customers where workspace_id = ${workspaceId} and id = ${id}
      union all
      select c.id, c.merged_into, chain.depth + 1
      from customers c join chain on c.id = chain.merged_into
      where c.workspace_id = ${workspaceId} and chain.depth < 64
    )
    select id from chain where merged_into is null limit 1`.execute(db);
  return rows[0]?.id ?? null;
}

export function findCustomer(db: Db, workspaceId: number, id: number) {
  return db
    .selectFrom('customers')
    .select(['id', 'created_at', 'merged_into'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listIdentities(db: Db, workspaceId: number, customerId: number) {
  return db
    .selectFrom('identities')
    .select(['id', 'kind', 'scope', 'masked', 'value_enc', 'first_seen_at'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
}

export function listOrders(db: Db, workspaceId: number, customerId: number, limit: number) {
  return db
    .selectFrom('orders')
    .select(['shop', 'order_id', 'paid_at', 'paid_fen', 'refunded_fen', 'status', 'items'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('paid_at', 'desc')
    .orderBy('order_id')
    .limit(limit)
    .execute();
}

export async function orderTotalsByShop(db: Db, workspaceId: number, customerId: number) {
  const { rows } = await sql<{
    shop: string;
    orders: number;
    paid_fen: number;
    refunded_fen: number;
    first_paid_at: Date | null;
    last_paid_at: Date | null;
  }>`
    select shop, count(*)::int as orders, coalesce(sum(paid_fen), 0)::int8 as paid_fen,
           coalesce(sum(refunded_fen), 0)::int8 as refunded_fen,
           min(paid_at) as first_paid_at, max(paid_at) as last_paid_at
    from orders
    where workspace_id = ${workspaceId} and customer_id = ${customerId}
    group by shop order by shop`.execute(db);
  return rows;
}

export function listMemberships(db: Db, workspaceId: number, customerId: number) {
  return db
    .selectFrom('community_members as m')
    .innerJoin('communities as c', (j) =>
      j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.community_id'),
    )
    .select(['m.community_id', 'c.name', 'm.joined_at', 'm.left_at'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.customer_id', '=', customerId)
    .orderBy('m.joined_at', 'desc')
    .execute();
}

/** Newest first, keyset-paged by (occurred_at, id) so deep pages cost the same as the first. */
export function listTimeline(
  db: Db,
  workspaceId: number,
  customerId: number,
  page: { limit: number; before?: { at: Date; id: number } | undefined },
) {
  let query = db
    .selectFrom('events')
    .select(['id', 'source', 'event_id', 'kind', 'occurred_at', 'properties'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId);
  const before = page.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('occurred_at', '<', before.at),
        eb.and([eb('occurred_at', '=', before.at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export function listMoves(db: Db, workspaceId: number, customerId: number) {
  return db
    .selectFrom('identity_moves')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('from_customer_id', '=', customerId), eb('to_customer_id', '=', customerId)]))
    .orderBy('id', 'desc')
    .execute();
}

export function findMove(db: Db, workspaceId: number, id: number) {
  return db
    .selectFrom('identity_moves')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function markMoveUndone(db: Db, workspaceId: number, id: number) {
  await db
    .updateTable('identity_moves')
    .set({ undone_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** Current customers of identities with these keyed hashes (hex). */
export async function findCustomersByKeys(db: Db, workspaceId: number, keys: readonly string[]) {
  const { rows } = await sql<{ customer_id: number }>`
    select distinct customer_id from identities
    where workspace_id = ${workspaceId}
      and value_hash in (select decode(k, 'hex') from unnest(${keys}::text[]) as k)
    order by customer_id`.execute(db);
  return rows.map((r) => r.customer_id);
}

export async function listScopes(db: Db, workspaceId: number, kinds: readonly string[]) {
  const { rows } = await sql<{ kind: string; scope: string }>`
    select distinct kind, scope from identities
    where workspace_id = ${workspaceId} and kind = any(${kinds}::text[])`.execute(db);
  return rows;
}
