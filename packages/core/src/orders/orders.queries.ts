import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { OrderItem } from '../db/database.ts';

/** What one batch says about one order: its payment (if any) and the refunds it adds. */
export type OrderChange = {
  shop: string;
  orderId: string;
  customerId: number;
  anchorIdentityId: number;
  paid: { at: Date; fen: number; items: readonly OrderItem[] } | null;
  refundedFen: number;
  /** Items told apart from the payment (order.items): they replace whatever the order had. */
  items: readonly OrderItem[] | null;
};

/**
 * Folds order events into the orders table. Events were deduplicated before, so adding
 * refunds here never counts one twice; a refund or items seen before the payment still land.
 * A payment without items (a shop whose items come in a file of their own) leaves the items
 * the order has: empty there means "not in this export", not "no items".
 */
export async function upsertOrders(db: Db, workspaceId: number, changes: readonly OrderChange[]) {
  if (changes.length === 0) {
    return;
  }
  await sql`
    insert into orders as o (workspace_id, shop, order_id, customer_id, anchor_identity_id, paid_at, paid_fen,
                             refunded_fen, status, items)
    select ${workspaceId}, s, i, c, a, pa, coalesce(pf, 0), rf, order_status(pa, coalesce(pf, 0), rf),
           coalesce(ix::jsonb, it::jsonb, '[]')
    from unnest(
      ${changes.map((c) => c.shop)}::text[], ${changes.map((c) => c.orderId)}::text[],
      ${changes.map((c) => c.customerId)}::bigint[], ${changes.map((c) => c.anchorIdentityId)}::bigint[],
      ${changes.map((c) => c.paid?.at.toISOString() ?? null)}::timestamptz[],
      ${changes.map((c) => c.paid?.fen ?? null)}::bigint[], ${changes.map((c) => c.refundedFen)}::bigint[],
      ${changes.map((c) => (c.paid && c.paid.items.length > 0 ? JSON.stringify(c.paid.items) : null))}::text[],
      ${changes.map((c) => (c.items === null ? null : JSON.stringify(c.items)))}::text[]
    ) as u(s, i, c, a, pa, pf, rf, it, ix)
    on conflict (workspace_id, shop, order_id) do update set
      paid_at = coalesce(excluded.paid_at, o.paid_at),
      paid_fen = case when excluded.paid_at is null then o.paid_fen else excluded.paid_fen end,
      -- excluded.items is '[]' only when this batch says nothing of them (order.items has one at least)
      items = case when excluded.items = '[]'::jsonb then o.items else excluded.items end,
      refunded_fen = o.refunded_fen + excluded.refunded_fen,
      status = order_status(
        coalesce(excluded.paid_at, o.paid_at),
        case when excluded.paid_at is null then o.paid_fen else excluded.paid_fen end,
        o.refunded_fen + excluded.refunded_fen),
      -- the payment decides whose order it is; a refund alone keeps what is there
      customer_id = case when excluded.paid_at is null then o.customer_id else excluded.customer_id end,
      anchor_identity_id =
        case when excluded.paid_at is null then o.anchor_identity_id else excluded.anchor_identity_id end`.execute(
    db,
  );
}
