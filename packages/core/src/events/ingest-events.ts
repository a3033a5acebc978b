import { type MembershipChange, upsertMemberships } from '../communities/communities.queries.ts';
import type { Db } from '../db/create-db.ts';
import type { OrderItem } from '../db/database.ts';
import { insertConflict } from '../identities/identities.queries.ts';
import { regroupClosure } from '../identities/regroup-closure.ts';
import { resolveIdentities } from '../identities/resolve-identities.ts';
import { type OrderChange, upsertOrders } from '../orders/orders.queries.ts';
import { foldBatch, upkeepAfterCommit } from '../scoring/maintain-aggregates.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { lockWorkspaceIngest } from '../workspaces/workspace-locks.queries.ts';
import {
  eventKey,
  findStoredEvents,
  insertEvents,
  isEventKeyTaken,
  relaxDurability,
} from './events.queries.ts';
import { prepareBatchBody, prepareInPlace } from './prepare-batch.ts';
import type { FieldError, PreparedEvent, PrepareResult } from './prepare-event.ts';
import { checkBatchSize } from './read-event-batch.ts';

/** What happened to each event of a batch, in the batch's order. */
export type EventOutcome =
  | { index: number; id: string; status: 'stored' | 'duplicate'; customer_id: number }
  | { index: number; id: string; status: 'conflict'; message: string }
  | { index: number; id: string | null; status: 'rejected'; errors: FieldError[] };

export type IngestOptions = {
  /** The clock events are checked against (no more than 24 h in the future). */
  now?: Date;
  /**
   * False only for data that can be sent again (the generated demo): commits then return
   * before the WAL reaches disk. A crash may lose the last batches, which a resend restores.
   */
  durable?: boolean;
  /**
   * True only for a bulk load that rebuilds the aggregates once when it is done
   * (`rebuildAggregates`): the batches then skip keeping them, which is most of their cost.
   */
  deferAggregates?: boolean;
  /**
   * True for a caller that runs the upkeep itself (`upkeepAfterCommit`) every few batches, as an import
   * does: the batch's customers are queued in its transaction as always, but not refreshed when
   * it commits, so a customer named by several batches is refreshed once for all of them.
   */
  queueUpkeepOnly?: boolean;
  /**
   * True when the caller knows none of the events can be stored yet (a load into a workspace it
   * has just created): the lookup of resends is skipped. A wrong guess costs a retry, never a
   * wrong answer: the events' key refuses the copy and the batch runs again with the lookup.
   */
  assumeNew?: boolean;
};

/**
 * Stores a batch of events in one transaction: rejected events are reported and skipped,
 * resends of stored events change nothing, the rest land with their customers matched,
 * orders and memberships folded in. A second transaction then folds the batch into the
 * aggregates, tags and scores of the customers it touched, while the next batch may already be
 * storing. When this resolves, the stored events are committed and refreshed.
 */
export async function ingestEvents(
  db: Db,
  workspace: Workspace,
  raws: readonly unknown[],
  options: IngestOptions = {},
): Promise<EventOutcome[]> {
  const now = options.now ?? new Date();
  checkBatchSize(raws.length);
  return storeBatch(db, workspace, prepareInPlace(raws, workspace.keys.hmacKey, now), now, options);
}

/**
 * `POST /v1/events`: the same for the bytes of a request body (`{"events": [...]}`), which are
 * decoded, parsed and validated on a worker thread (prepare-batch.ts). A body that is not such a batch throws
 * (invalid_request, batch_too_large) and stores nothing.
 */
export async function ingestEventBody(
  db: Db,
  workspace: Workspace,
  body: Uint8Array,
  options: IngestOptions = {},
): Promise<EventOutcome[]> {
  const now = options.now ?? new Date();
  return storeBatch(db, workspace, await prepareBatchBody(body, workspace.keys.hmacKey, now), now, options);
}

async function storeBatch(
  db: Db,
  workspace: Workspace,
  prepared: readonly PrepareResult[],
  now: Date,
  options: IngestOptions,
): Promise<EventOutcome[]> {
  const outcomes: EventOutcome[] = new Array(prepared.length);
  const valid: PreparedEvent[] = [];
  prepared.forEach((result, index) => {
    if (result.ok) {
      valid.push(result.event);
    } else {
      outcomes[index] = { index, id: result.id ?? null, status: 'rejected', errors: result.errors };
    }
  });
  if (valid.length === 0) {
    return outcomes;
  }

  let queued = false;
  const store = (lockFirst: boolean) =>
    db.transaction().execute(async (trx) => {
      queued = false;
      if (options.durable === false) {
        await relaxDurability(trx);
      }
      if (lockFirst) {
        await lockWorkspaceIngest(trx, workspace.id);
      }
      const stored =
        options.assumeNew && !lockFirst ? new Map() : await findStoredEvents(trx, workspace.id, valid);
      const { fresh, resentInBatch } = separateResends(valid, stored, outcomes);
      if (fresh.length === 0) {
        return;
      }
      if (!lockFirst) {
        await lockWorkspaceIngest(trx, workspace.id);
      }

      const resolution = await resolveIdentities(trx, workspace, fresh);
      const rows = fresh.map((event) => {
        const anchor = event.identities[0]!;
        return {
          source: event.source,
          eventId: event.eventId,
          kind: event.kind,
          occurredAt: event.occurredAt,
          customerId: resolution.customerOf.get(anchor.key)!,
          anchorIdentityId: resolution.identityOf.get(anchor.key)!,
          identityIds: [...new Set(event.identities.map((i) => resolution.identityOf.get(i.key)!))],
          bodyHash: event.bodyHash,
          properties: event.properties,
        };
      });
      const range = await insertEvents(trx, workspace.id, rows);
      await upsertOrders(trx, workspace.id, orderChanges(fresh, rows));
      await upsertMemberships(trx, workspace.id, membershipChanges(fresh, rows));

      const moved = new Set(resolution.movedCustomers);
      for (const conflict of resolution.conflicts) {
        const event = fresh[conflict.record]!;
        const involved = [...new Set(event.identities.map((i) => resolution.customerOf.get(i.key)!))];
        await insertConflict(trx, workspace.id, {
          source: event.source,
          eventId: event.eventId,
          customerIds: involved,
          slots: conflict.slots,
        });
        const regrouped = await regroupClosure(trx, workspace.id, involved, {
          source: event.source,
          eventId: event.eventId,
        });
        for (const c of regrouped) {
          moved.add(c);
        }
      }
      if (!options.deferAggregates) {
        queued = await foldBatch(trx, workspace, {
          events: rows,
          stored: range,
          moved: [...moved],
          newIdentityKeys: resolution.newKeys,
        });
      }

      // Customers may have moved in a regroup: report where each event lives now.
      const settled =
        resolution.conflicts.length > 0 ? await findStoredEvents(trx, workspace.id, fresh) : null;
      fresh.forEach((event, n) => {
        const customer =
          settled?.get(eventKey(event.source, event.eventId))?.customerId ?? rows[n]!.customerId;
        outcomes[event.index] = {
          index: event.index,
          id: event.eventId,
          status: 'stored',
          customer_id: customer,
        };
      });
      for (const { event, first } of resentInBatch) {
        const { customer_id } = outcomes[first.index] as { customer_id: number };
        outcomes[event.index] = { index: event.index, id: event.eventId, status: 'duplicate', customer_id };
      }
    });
  // Resends are looked up before the ingest lock is taken, so that it is held only for matching
  // and writing (and a batch of resends never waits for it). Should a batch with some of the same
  // events commit in between, the insert fails on the events' key and the batch runs once more,
  // looking resends up under the lock.
  await store(false).catch((error: unknown) => {
    if (!isEventKeyTaken(error)) {
      throw error;
    }
    return store(true);
  });
  if (queued && !options.queueUpkeepOnly) {
    await upkeepAfterCommit(db, workspace, now);
  }
  return outcomes;
}

/**
 * Splits a batch into events to store and resends: a resend of a stored event, or of an earlier
 * event in the same batch, is a duplicate when its body is the same and a conflict otherwise.
 * Outcomes of resends of stored events are written into `outcomes`; resends within the batch
 * are returned, to be answered once their first copy has a customer.
 */
function separateResends(
  valid: readonly PreparedEvent[],
  stored: ReadonlyMap<string, { bodyHash: string; customerId: number }>,
  outcomes: EventOutcome[],
) {
  const fresh: PreparedEvent[] = [];
  const firstCopy = new Map<string, PreparedEvent>();
  const resentInBatch: { event: PreparedEvent; first: PreparedEvent }[] = [];
  for (const event of valid) {
    const key = eventKey(event.source, event.eventId);
    const prior = stored.get(key);
    const earlier = firstCopy.get(key);
    const priorHash = prior?.bodyHash ?? earlier?.bodyHash;
    if (priorHash === undefined) {
      firstCopy.set(key, event);
      fresh.push(event);
    } else if (priorHash !== event.bodyHash) {
      outcomes[event.index] = {
        index: event.index,
        id: event.eventId,
        status: 'conflict',
        message: `event ${event.eventId} from ${event.source} was stored before with a different body; nothing changed`,
      };
    } else if (prior) {
      outcomes[event.index] = {
        index: event.index,
        id: event.eventId,
        status: 'duplicate',
        customer_id: prior.customerId,
      };
    } else {
      resentInBatch.push({ event, first: earlier! });
    }
  }
  return { fresh, resentInBatch };
}

type StoredRow = { customerId: number; anchorIdentityId: number };

/** Folds a batch's order events into one change per order (a payment, the refunds it adds, its items). */
function orderChanges(events: readonly PreparedEvent[], rows: readonly StoredRow[]): OrderChange[] {
  const changes = new Map<string, OrderChange>();
  events.forEach((event, n) => {
    if (event.kind !== 'order.paid' && event.kind !== 'order.refunded' && event.kind !== 'order.items') {
      return;
    }
    const p = event.properties as { shop: string; order_id: string; amount_fen: number; items?: OrderItem[] };
    const key = `${p.shop}\u0000${p.order_id}`;
    const change = changes.get(key) ?? {
      shop: p.shop,
      orderId: p.order_id,
      customerId: rows[n]!.customerId,
      anchorIdentityId: rows[n]!.anchorIdentityId,
      paid: null,
      refundedFen: 0,
      items: null,
    };
    if (event.kind === 'order.items') {
      change.items = p.items ?? [];
    } else if (event.kind === 'order.paid') {
      change.paid = { at: event.occurredAt, fen: p.amount_fen, items: p.items ?? [] };
      change.customerId = rows[n]!.customerId;
      change.anchorIdentityId = rows[n]!.anchorIdentityId;
    } else {
      change.refundedFen += p.amount_fen;
    }
    changes.set(key, change);
  });
  return [...changes.values()];
}

function membershipChanges(events: readonly PreparedEvent[], rows: readonly StoredRow[]): MembershipChange[] {
  const changes: MembershipChange[] = [];
  events.forEach((event, n) => {
    if (event.kind !== 'community.joined' && event.kind !== 'community.left') {
      return;
    }
    const p = event.properties as { community_id: string; community_name?: string };
    const joined = event.kind === 'community.joined';
    changes.push({
      communityId: p.community_id,
      communityName: p.community_name ?? null,
      anchorIdentityId: rows[n]!.anchorIdentityId,
      customerId: rows[n]!.customerId,
      joinedAt: joined ? event.occurredAt : null,
      leftAt: joined ? null : event.occurredAt,
    });
  });
  return changes;
}
