import type { Db } from '../db/create-db.ts';
import type { EventInput } from '../events/event.schema.ts';
import { type EventOutcome, ingestEvents } from '../events/ingest-events.ts';
import { IDENTITY_KINDS, type IdentityInput, type IdentityKind } from '../identities/identity.schema.ts';
import { decrypt } from '../shared/crypto.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { type Reason, reason } from './import-reason.ts';
import { deletePendingItems, findAttachableItems } from './imports.queries.ts';

const BATCH = 500;

export type AttachResult = { attached: number; problems: { orderId: string; reason: Reason }[] };

/**
 * Sends the waiting items (pending_order_items) of every order whose order.paid is now stored as
 * one order.items event each: `<source>-items-<order id>`, dated at the payment and naming the
 * payment's anchor identity, so it lands on the order's customer and links no one new. Its body
 * depends only on the items and the payment, so importing the item file again is a duplicate;
 * a later file listing other items for the same order is reported as a conflict and changes
 * nothing. Sent rows are deleted whatever their outcome, and pages move on by order id, so this
 * always ends.
 */
export async function attachOrderItems(db: Db, workspace: Workspace, source: string): Promise<AttachResult> {
  const result: AttachResult = { attached: 0, problems: [] };
  let afterOrderId: string | null = null;
  for (;;) {
    const rows = await findAttachableItems(db, workspace.id, source, { afterOrderId, limit: BATCH });
    if (rows.length === 0) {
      return result;
    }
    afterOrderId = rows[rows.length - 1]!.order_id;
    const events: EventInput[] = rows.map((row) => ({
      id: `${source}-items-${row.order_id}`,
      kind: 'order.items',
      occurred_at: row.occurred_at.toISOString(),
      source,
      identities: [anchorIdentity(workspace, row)],
      properties: { shop: row.shop, order_id: row.order_id, items: row.items },
    }));
    const outcomes = await ingestEvents(db, workspace, events);
    outcomes.forEach((outcome, n) => {
      const problem = problemOf(outcome);
      if (problem === null) {
        result.attached += 1;
      } else {
        result.problems.push({ orderId: rows[n]!.order_id, reason: problem });
      }
    });
    await deletePendingItems(
      db,
      workspace.id,
      source,
      rows.map((row) => row.order_id),
    );
  }
}

function problemOf(outcome: EventOutcome): Reason | null {
  switch (outcome.status) {
    case 'stored':
    case 'duplicate':
      return null;
    case 'conflict':
      return reason(
        'items_differ',
        `the order's items were imported before and differ from this file's; nothing changed (${outcome.message})`,
        `该订单的商品明细之前已导入，且与本文件不同；未做任何改动（${outcome.message}）`,
      );
    case 'rejected': {
      // The event's own validation speaks English (it is the API's); the path names the field.
      const details = outcome.errors.map((e) => `${e.path} ${e.message}`).join('; ');
      return reason('items_rejected', details, `商品明细未通过校验：${details}`);
    }
  }
}

function anchorIdentity(
  workspace: Workspace,
  row: { kind: string; scope: string; value_enc: Uint8Array },
): IdentityInput {
  const kind = IDENTITY_KINDS.find((k): k is IdentityKind => k === row.kind);
  if (kind === undefined) {
    // Stored identities were validated on the way in: another kind means the database is not ours.
    throw new Error(`unknown identity kind ${row.kind}`);
  }
  const value = decrypt(workspace.keys.encKey, Buffer.from(row.value_enc));
  return row.scope === '' ? { kind, value } : { kind, value, scope: row.scope };
}
