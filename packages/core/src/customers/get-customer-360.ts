import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { decrypt } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  findCustomer,
  listIdentities,
  listMemberships,
  listMoves,
  listOrders,
  listTimeline,
  orderTotalsByShop,
  resolveCustomerId,
} from './customers.queries.ts';

export type Viewer = Readonly<{ actor: string; canUnmask: boolean }>;

export type TimelinePage = { limit: number; cursor?: string | undefined };

const ORDERS_SHOWN = 200;

/**
 * Everything known about one customer across shops and WeCom. A merged-away id answers with
 * the profile it was merged into. Identities are masked unless the viewer may unmask and asks
 * to; every unmask is written to the audit log.
 */
export async function getCustomer360(
  db: Db,
  workspace: Workspace,
  id: number,
  options: { viewer: Viewer; unmask?: boolean; timeline?: TimelinePage },
) {
  if (options.unmask && !options.viewer.canUnmask) {
    throw new AppError('forbidden', 'this caller may not see identities unmasked');
  }
  const ws = workspace.id;
  const current = await resolveCustomerId(db, ws, id);
  const customer = current === null ? undefined : await findCustomer(db, ws, current);
  if (!customer) {
    throw new AppError('not_found', `no customer ${id}`);
  }
  const page = options.timeline ?? { limit: 50 };
  const [identities, totals, orders, communities, events, moves] = await Promise.all([
    listIdentities(db, ws, customer.id),
    orderTotalsByShop(db, ws, customer.id),
    listOrders(db, ws, customer.id, ORDERS_SHOWN),
    listMemberships(db, ws, customer.id),
    listTimeline(db, ws, customer.id, { limit: page.limit + 1, before: parseCursor(page.cursor) }),
    listMoves(db, ws, customer.id),
  ]);
  if (options.unmask) {
    await insertAudit(db, ws, {
      actor: options.viewer.actor,
      action: 'customer.unmask',
      target: `customer:${customer.id}`,
      detail: { identities: identities.length },
    });
  }
  const more = events.length > page.limit;
  const shown = more ? events.slice(0, page.limit) : events;
  const last = shown.at(-1);
  return {
    id: customer.id,
    requested_id: id,
    created_at: customer.created_at,
    identities: identities.map((i) => ({
      id: i.id,
      kind: i.kind,
      scope: i.scope || null,
      value: options.unmask ? decrypt(workspace.keys.encKey, Buffer.from(i.value_enc)) : i.masked,
      first_seen_at: i.first_seen_at,
    })),
    shops: totals.map((t) => ({ ...t, net_fen: t.paid_fen - t.refunded_fen })),
    totals: {
      orders: totals.reduce((n, t) => n + t.orders, 0),
      paid_fen: totals.reduce((n, t) => n + t.paid_fen, 0),
      refunded_fen: totals.reduce((n, t) => n + t.refunded_fen, 0),
    },
    orders,
    communities: communities.map((c) => ({
      id: c.community_id,
      name: c.name,
      joined_at: c.joined_at,
      left_at: c.left_at,
      member: c.joined_at !== null && (c.left_at === null || c.joined_at > c.left_at),
    })),
    timeline: {
      events: shown,
      next_cursor: more && last ? `${last.occurred_at.toISOString()}_${last.id}` : null,
    },
    merges: moves.map((m) => ({
      id: m.id,
      reason: m.reason,
      from_customer_id: m.from_customer_id,
      to_customer_id: m.to_customer_id,
      identity_ids: m.identity_ids,
      record: m.source === null ? null : { source: m.source, event_id: m.event_id },
      undo_of: m.undo_of,
      undone_at: m.undone_at,
      created_at: m.created_at,
    })),
  };
}

export type Customer360 = Awaited<ReturnType<typeof getCustomer360>>;

function parseCursor(cursor: string | undefined): { at: Date; id: number } | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const match = /^(.+)_(\d+)$/.exec(cursor);
  const at = match ? new Date(match[1]!) : null;
  if (!match || !at || Number.isNaN(at.getTime())) {
    throw new AppError('invalid_request', 'timeline cursor is malformed');
  }
  return { at, id: Number(match[2]) };
}
