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
};

/**
 * Folds order events into the orders table. Events were deduplicated before, so adding
 * refunds here never counts one twice; a refund seen before its payment still lands.
 */
export async function upsertOrders(db: Db, workspaceId: number, changes: readonly OrderChange[]) {
  if (changes.length === 0) {
    return;
  }
  await sql`
    insert into orders as o (workspace_id, shop, order_id, customer_id, anchor_identity_id, paid_at, paid_fen,
                             refunded_fen, status, items)
    select ${workspaceId}, s, i, c, a, pa, coalesce(pf, 0), rf, order_status(pa, coalesce(pf, 0), rf),
           coalesce(it::jsonb, '[]')
    from unnest(
      ${changes.map((c) => c.shop)}::text[], ${changes.map((c) => c.orderId)}::text[],
      ${changes.map((c) => c.customerId)}::bigint[], ${changes.map((c) => c.anchorIdentityId)}::bigint[],
      ${changes.map((c) => c.paid?.at.toISOString() ?? null)}::timestamptz[],
      ${changes.map((c) => c.paid?.fen ?? null)}::bigint[], ${changes.map((c) => c.refundedFen)}::bigint[],
      ${changes.map((c) => (c.paid ? JSON.stringify(c.paid.items) : null))}::text[]
    ) as u(s, i, c, a, pa, pf, rf, it)
    on conflict (workspace_id, shop, order_id) do update set
      paid_at = coalesce(excluded.paid_at, o.paid_at),
      paid_fen = case when excluded.paid_at is null then o.paid_fen else excluded.paid_fen end,
      items = case when excluded.paid_at is null then o.items else excluded.items end,
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
