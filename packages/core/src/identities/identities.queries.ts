import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

/** Stored identities matching any of these keyed hashes (hex). */
export async function findIdentitiesByKey(db: Db, workspaceId: number, keys: readonly string[]) {
  const { rows } = await sql<{ id: number; customer_id: number; key: string; kind: string; scope: string }>`
    select i.id, i.customer_id, k as key, i.kind, i.scope
    from unnest(${keys}::text[]) as k
    cross join lateral (
      select id, customer_id, kind, scope from identities
      where workspace_id = ${workspaceId} and value_hash = decode(k, 'hex')
      limit 1
    ) as i`.execute(db);
  return rows;
}

/** The unique-per-person identities of these customers: what a merge must not double up. */
export async function findUniqueIdentitiesOf(
  db: Db,
  workspaceId: number,
  customerIds: readonly number[],
  kinds: readonly string[],
) {
  const { rows } = await sql<{ customer_id: number; key: string; kind: string; scope: string }>`
    select c as customer_id, i.key, i.kind, i.scope
    from unnest(${customerIds}::bigint[]) as c
    cross join lateral (
      select encode(value_hash, 'hex') as key, kind, scope from identities
      where workspace_id = ${workspaceId} and customer_id = c and kind = any(${kinds}::text[])
      offset 0
    ) as i`.execute(db);
  return rows;
}

export async function createCustomers(db: Db, workspaceId: number, count: number): Promise<number[]> {
  if (count === 0) {
    return [];
  }
  const { rows } = await sql<{ id: number }>`
    insert into customers (workspace_id)
    select ${workspaceId} from generate_series(1, ${count}::int)
    returning id`.execute(db);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export type NewIdentityRow = {
  customerId: number;
  kind: string;
  scope: string;
  key: string;
  valueEnc: Buffer;
  masked: string;
  firstSeenAt: Date;
};

export async function insertIdentities(db: Db, workspaceId: number, rows: readonly NewIdentityRow[]) {
  if (rows.length === 0) {
    return [];
  }
  const { rows: inserted } = await sql<{ id: number; key: string }>`
    insert into identities (workspace_id, customer_id, kind, scope, value_hash, value_enc, masked, first_seen_at)
    select ${workspaceId}, c, k, s, decode(h, 'hex'), decode(e, 'hex'), m, t
    from unnest(
      ${rows.map((r) => r.customerId)}::bigint[], ${rows.map((r) => r.kind)}::text[],
      ${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.key)}::text[],
      ${rows.map((r) => r.valueEnc.toString('hex'))}::text[], ${rows.map((r) => r.masked)}::text[],
      ${rows.map((r) => r.firstSeenAt.toISOString())}::timestamptz[]
    ) as u(c, k, s, h, e, m, t)
    returning id, encode(value_hash, 'hex') as key`.execute(db);
  return inserted;
}

/** Moves every identity of `from` to `to`; returns the ids moved. */
export async function moveAllIdentities(db: Db, workspaceId: number, from: number, to: number) {
  const { rows } = await sql<{ id: number }>`
    update identities set customer_id = ${to}
    where workspace_id = ${workspaceId} and customer_id = ${from}
    returning id`.execute(db);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Moves the given identities to `to`; returns the ids that actually changed customer. */
export async function moveIdentities(db: Db, workspaceId: number, ids: readonly number[], to: number) {
  const { rows } = await sql<{ id: number }>`
    update identities set customer_id = ${to}
    where workspace_id = ${workspaceId} and id = any(${ids}::bigint[]) and customer_id <> ${to}
    returning id`.execute(db);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * After identities moved away from customer `from`: points the events, orders and community
 * memberships anchored on them at the identities' new customer.
 */
export async function reattachMoved(
  db: Db,
  workspaceId: number,
  from: number,
  identityIds: readonly number[],
) {
  if (identityIds.length === 0) {
    return;
  }
  for (const table of ['events', 'orders', 'community_members', 'contents'] as const) {
    await sql`
      update ${sql.table(table)} as t set customer_id = i.customer_id
      from identities i
      where t.workspace_id = ${workspaceId} and t.customer_id = ${from}
        and t.anchor_identity_id = any(${identityIds}::bigint[])
        and i.workspace_id = ${workspaceId} and i.id = t.anchor_identity_id`.execute(db);
  }
}

/** After a whole-customer merge: everything of `from` now belongs to `to`. */
export async function reattachCustomer(db: Db, workspaceId: number, from: number, to: number) {
  for (const table of ['events', 'orders', 'community_members', 'contents'] as const) {
    await sql`
      update ${sql.table(table)} set customer_id = ${to}
      where workspace_id = ${workspaceId} and customer_id = ${from}`.execute(db);
  }
}

export async function setMergedInto(
  db: Db,
  workspaceId: number,
  ids: readonly number[],
  into: number | null,
) {
  if (ids.length === 0) {
    return;
  }
  await db
    .updateTable('customers')
    .set({ merged_into: into })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
}

export async function insertMove(
  db: Db,
  workspaceId: number,
  move: {
    from: number;
    to: number;
    identityIds: readonly number[];
    reason: 'merge' | 'regroup' | 'undo';
    source?: string | null;
    eventId?: string | null;
    undoOf?: number | null;
  },
) {
  return db
    .insertInto('identity_moves')
    .values({
      workspace_id: workspaceId,
      from_customer_id: move.from,
      to_customer_id: move.to,
      identity_ids: [...move.identityIds],
      reason: move.reason,
      source: move.source ?? null,
      event_id: move.eventId ?? null,
      undo_of: move.undoOf ?? null,
      undone_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertConflict(
  db: Db,
  workspaceId: number,
  row: { source: string; eventId: string; customerIds: readonly number[]; slots: readonly string[] },
) {
  await db
    .insertInto('merge_conflicts')
    .values({
      workspace_id: workspaceId,
      source: row.source,
      event_id: row.eventId,
      customer_ids: [...row.customerIds],
      detail: JSON.stringify({ kinds: row.slots }),
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'source', 'event_id']).doNothing())
    .execute();
}

export async function findIdentitiesOfCustomers(db: Db, workspaceId: number, customerIds: readonly number[]) {
  const { rows } = await sql<{ id: number; customer_id: number; key: string; kind: string; scope: string }>`
    select id, customer_id, encode(value_hash, 'hex') as key, kind, scope
    from identities
    where workspace_id = ${workspaceId} and customer_id = any(${customerIds}::bigint[])`.execute(db);
  return rows;
}

export async function findIdentitiesById(db: Db, workspaceId: number, ids: readonly number[]) {
  const { rows } = await sql<{ id: number; customer_id: number }>`
    select id, customer_id from identities
    where workspace_id = ${workspaceId} and id = any(${ids}::bigint[])`.execute(db);
  return rows;
}

/** Every event that names two or more identities, any of them among these: what a regrouping replays. */
export async function findEventsNaming(db: Db, workspaceId: number, identityIds: readonly number[]) {
  const { rows } = await sql<{
    id: number;
    source: string;
    event_id: string;
    occurred_at: Date;
    identity_ids: number[];
  }>`
    select e.id, e.source, e.event_id, e.occurred_at, e.identity_ids
    from events e
    where e.workspace_id = ${workspaceId}
      and e.id in (select event_pk from event_identities
                   where workspace_id = ${workspaceId} and identity_id = any(${identityIds}::bigint[]))`.execute(
    db,
  );
  return rows;
}
