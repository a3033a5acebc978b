import type { EventInput, Shop } from '../../events/event.schema.ts';
import type { IdentityInput } from '../../identities/identity.schema.ts';

/** An item of an order.paid event (events/event.schema.ts OrderItemSchema). */
export type OrderItem = { sku?: string; name: string; quantity: number; price_fen: number };

export type PaidOrder = Readonly<{
  /** Event source and id prefix: `taobao` → `taobao-order-<id>`, `taobao-refund-<id>`. */
  source: string;
  shop: Shop;
  orderId: string;
  paidAt: string;
  amountFen: number;
  identities: readonly IdentityInput[];
  items?: readonly OrderItem[];
  /** What the export says was refunded in total, if anything (> 0). */
  refundFen: number | null;
}>;

/**
 * An order's events. Their ids and bodies depend only on what an export says of the order and
 * does not change later (id, buyer, payment), so a second import of the file — or a later export
 * that overlaps it — gives the same events, which ingestion treats as duplicates.
 *
 * The refund is one event per order carrying the export's total: exports give no refund id or
 * time, so it is dated at the payment (the only time it cannot precede). If a later export shows
 * a larger total, ingestion reports that event as a conflict instead of counting a refund twice.
 */
export function paidOrderEvents(order: PaidOrder): EventInput[] {
  const identities = [...order.identities];
  const paid: EventInput = {
    id: `${order.source}-order-${order.orderId}`,
    kind: 'order.paid',
    occurred_at: order.paidAt,
    source: order.source,
    identities,
    properties: {
      shop: order.shop,
      order_id: order.orderId,
      amount_fen: order.amountFen,
      ...(order.items === undefined || order.items.length === 0 ? {} : { items: [...order.items] }),
    },
  };
  if (order.refundFen === null || order.refundFen <= 0) {
    return [paid];
  }
  return [
    paid,
    {
      id: `${order.source}-refund-${order.orderId}`,
      kind: 'order.refunded',
      occurred_at: order.paidAt,
      source: order.source,
      identities,
      properties: { shop: order.shop, order_id: order.orderId, amount_fen: order.refundFen },
    },
  ];
}
