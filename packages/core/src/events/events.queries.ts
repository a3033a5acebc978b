import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

/** For the current transaction only: commit without waiting for the WAL flush. */
export async function relaxDurability(db: Db): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(db);
}

/** Body hashes of already stored events, by `source \0 event_id`. */
export async function findStoredEvents(
  db: Db,
  workspaceId: number,
  ids: readonly { source: string; eventId: string }[],
): Promise<Map<string, { bodyHash: string; customerId: number }>> {
  // The lateral lookup with `limit 1` is not flattened into a join, so each id is one index
  // probe whatever the planner believes about table sizes (PGlite has no autovacuum to tell it).
  const { rows } = await sql<{ source: string; event_id: string; body_hash: string; customer_id: number }>`
    select u.s as source, u.i as event_id, encode(e.body_hash, 'hex') as body_hash, e.customer_id
    from unnest(${ids.map((i) => i.source)}::text[], ${ids.map((i) => i.eventId)}::text[]) as u(s, i)
    cross join lateral (
      select body_hash, customer_id from events
      where workspace_id = ${workspaceId} and source = u.s and event_id = u.i
      limit 1
    ) as e`.execute(db);
  return new Map(
    rows.map((r) => [eventKey(r.source, r.event_id), { bodyHash: r.body_hash, customerId: r.customer_id }]),
  );
}

/** Whether an error is the events' (source, event id) key refusing a second copy of an event. */
export function isEventKeyTaken(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === '23505' &&
    'constraint' in error &&
    error.constraint === 'events_workspace_id_source_event_id_key'
  );
}

export function eventKey(source: string, eventId: string): string {
  return `${source}\u0000${eventId}`;
}

export type NewEventRow = {
  source: string;
  eventId: string;
  kind: string;
  occurredAt: Date;
  customerId: number;
  anchorIdentityId: number;
  identityIds: readonly number[];
  /** Hex. */
  bodyHash: string;
  properties: Record<string, unknown>;
};

/** The ids a batch's events were stored under: all of the workspace's events from `first` to `last`. */
export type EventRange = { first: number; last: number };

/**
 * Appends events and, for events naming two or more identities, the links from each identity to
 * the event (what a regrouping replays; a lone identity links nothing). Returns the range of ids
 * they were given: under the ingest lock, no other batch of the workspace stores in between.
 */
export async function insertEvents(
  db: Db,
  workspaceId: number,
  rows: readonly NewEventRow[],
): Promise<EventRange> {
  const { rows: range } = await sql<EventRange>`
    with stored as (
      insert into events (workspace_id, source, event_id, kind, occurred_at, customer_id, anchor_identity_id,
                          identity_ids, body_hash, properties)
      select ${workspaceId}, s, i, k, t, c, a, ids::bigint[], decode(h, 'hex'), p::jsonb
      from unnest(
        ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.eventId)}::text[],
        ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.occurredAt.toISOString())}::timestamptz[],
        ${rows.map((r) => r.customerId)}::bigint[], ${rows.map((r) => r.anchorIdentityId)}::bigint[],
        ${rows.map((r) => `{${r.identityIds.join(',')}}`)}::text[],
        ${rows.map((r) => r.bodyHash)}::text[], ${rows.map((r) => JSON.stringify(r.properties))}::text[]
      ) as u(s, i, k, t, c, a, ids, h, p)
      returning id, identity_ids
    ), links as (
      insert into event_identities (workspace_id, identity_id, event_pk)
      select ${workspaceId}, unnest(identity_ids), id from stored where cardinality(identity_ids) > 1
    )
    select min(id) as first, max(id) as last from stored`.execute(db);
  return range[0]!;
}
