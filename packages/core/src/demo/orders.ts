/**
 * The demo brand's catalogue, the orders its people place in the shops, and the refunds some of them get.
 */
import { buyerIdentities, type DemoShop, orderIdentities, type Person } from './people.ts';
import { cumulative, drawIndex, type Rng } from './random.ts';
import {
  atHour,
  clamp,
  DAY,
  emit,
  HOUR,
  numbering,
  SHOPPING_HOURS,
  type Timed,
  type Timeline,
} from './timeline.ts';

type Product = { sku: string; name: string; short: string; yuan: number };
type Item = { sku: string; name: string; quantity: number; price_fen: number };
export type Order = { id: string; person: Person; shop: DemoShop; at: number; items: Item[]; amount: number };

const REFUND_RATE = 0.065;

export const CATALOGUE: readonly Product[] = [
  { sku: 'XL-CL-001', name: '小鹿氨基酸温和洁面乳 120g', short: '氨基酸洁面', yuan: 79 },
  { sku: 'XL-TN-002', name: '小鹿玻尿酸保湿爽肤水 200ml', short: '保湿爽肤水', yuan: 159 },
  { sku: 'XL-SR-003', name: '小鹿玻尿酸补水精华 30ml', short: '补水精华', yuan: 199 },
  { sku: 'XL-SR-004', name: '小鹿烟酰胺亮肤精华 30ml', short: '烟酰胺精华', yuan: 259 },
  { sku: 'XL-SR-005', name: '小鹿A醇抗老精华 30ml', short: 'A醇精华', yuan: 399 },
  { sku: 'XL-CR-006', name: '小鹿神经酰胺修护面霜 50g', short: '修护面霜', yuan: 329 },
  { sku: 'XL-EY-007', name: '小鹿多肽紧致眼霜 15g', short: '多肽眼霜', yuan: 269 },
  { sku: 'XL-SS-008', name: '小鹿清透防晒乳 SPF50+ 50ml', short: '清透防晒', yuan: 139 },
  { sku: 'XL-MK-009', name: '小鹿修护补水面膜 10片装', short: '补水面膜', yuan: 99 },
  { sku: 'XL-CO-010', name: '小鹿温和卸妆油 150ml', short: '卸妆油', yuan: 119 },
  { sku: 'XL-LT-011', name: '小鹿保湿乳液 120ml', short: '保湿乳液', yuan: 179 },
  { sku: 'XL-BD-012', name: '小鹿烟酰胺身体乳 250ml', short: '身体乳', yuan: 89 },
  { sku: 'XL-LP-013', name: '小鹿滋润唇膜 15g', short: '唇膜', yuan: 49 },
  { sku: 'XL-TR-014', name: '小鹿明星单品旅行装 5件套', short: '旅行装', yuan: 39 },
  { sku: 'XL-AM-015', name: '小鹿次抛精华安瓶 30支', short: '次抛精华', yuan: 459 },
  { sku: 'XL-GS-016', name: '小鹿焕颜修护礼盒 精华+面霜+眼霜', short: '焕颜礼盒', yuan: 899 },
];
const CATALOGUE_WEIGHTS = cumulative([10, 7, 9, 8, 4, 6, 4, 8, 9, 6, 5, 5, 4, 6, 3, 2]);

/** A product, bestsellers the likeliest. */
export function drawProduct(rng: Rng): Product {
  return CATALOGUE[drawIndex(CATALOGUE_WEIGHTS, rng)] as Product;
}

function drawItems(rng: Rng, promo: boolean): Item[] {
  const r = rng.next();
  const lines = r < 0.65 ? 1 : r < 0.9 ? 2 : 3;
  const chosen = new Set<Product>();
  while (chosen.size < lines) {
    chosen.add(drawProduct(rng));
  }
  return [...chosen].map((p) => {
    const q = rng.next();
    // Festival prices: about 15 % off, to a round yuan; the small items are already at their floor price.
    const yuan = promo && p.yuan >= 99 ? Math.round(p.yuan * 0.85) : p.yuan;
    return { sku: p.sku, name: p.name, quantity: q < 0.85 ? 1 : q < 0.97 ? 2 : 3, price_fen: yuan * 100 };
  });
}

/** Days a buyer is a customer: most are still around at the end, the rest stop after a while. */
function activeSpan(tl: Timeline, rng: Rng, orderCount: number): [number, number] {
  // Heavy buyers need room for their orders, so they start early enough to fit them in.
  const latestStart = Math.max(1, tl.days - orderCount * 5);
  const first = drawIndex(tl.shoppingDays, rng, 0, latestStart);
  if (orderCount === 1) {
    return [first, first + 1];
  }
  const last = rng.chance(0.45)
    ? tl.days
    : first + Math.ceil(Math.max(orderCount * 5, -Math.log(1 - rng.next()) * 60));
  return [first, Math.min(tl.days, last)];
}

/** Every person's orders, in time order; each person's are also kept on them. */
export function createOrders(people: readonly Person[], tl: Timeline, rng: Rng): Order[] {
  const orders: Order[] = [];
  for (const person of people) {
    const [from, to] = activeSpan(tl, rng, person.orderCount);
    for (let n = 0; n < person.orderCount; n++) {
      const day = drawIndex(tl.shoppingDays, rng, from, to);
      // Every shop a person uses gets at least one order; after that they mostly stick to their first.
      const shop = n < person.shops.length ? person.shops[n] : rng.chance(0.7) ? person.shops[0] : undefined;
      const items = drawItems(rng, tl.promo[day] ?? false);
      orders.push({
        id: '',
        person,
        shop: shop ?? rng.pick(person.shops),
        at: atHour(tl, rng, day, SHOPPING_HOURS),
        items,
        amount: items.reduce((sum, item) => sum + item.price_fen * item.quantity, 0),
      });
    }
  }
  // Shops number their orders as they come in.
  orders.sort((a, b) => a.at - b.at);
  const nextId = numbering();
  for (const order of orders) {
    order.id = nextId(`${order.shop}-order`);
    order.person.orders.push(order);
  }
  return orders;
}

export function emitOrders(orders: readonly Order[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const nextId = numbering();
  for (const order of orders) {
    const { shop, person } = order;
    const identities = orderIdentities(person, shop, rng);
    // Taobao and Tmall orders arrive as their imports bring them: the order report's payment
    // without items, and the item file's order.items (imports/formats/taobao-order-items.ts).
    const itemsApart = shop === 'taobao' || shop === 'tmall';
    emit(out, order.at, shop, order.id, 'order.paid', identities, {
      shop,
      order_id: order.id,
      amount_fen: order.amount,
      ...(itemsApart ? {} : { items: order.items }),
    });
    if (itemsApart) {
      emit(out, order.at, shop, `${order.id}-items`, 'order.items', identities, {
        shop,
        order_id: order.id,
        items: order.items,
      });
    }
    if (!rng.chance(REFUND_RATE)) {
      continue;
    }
    const at = clamp(tl, order.at + rng.range(HOUR, 14 * DAY));
    if (at <= order.at || at >= tl.end) {
      continue;
    }
    const refundId = nextId(`${shop}-refund`);
    emit(out, at, shop, refundId, 'order.refunded', buyerIdentities(person, shop), {
      shop,
      order_id: order.id,
      refund_id: refundId,
      amount_fen: refundAmount(order, rng),
    });
  }
}

/** Whole order, one line of it, one unit of it, or a price-protection partial refund. */
function refundAmount(order: Order, rng: Rng): number {
  const first = order.items[0];
  if (first === undefined || rng.chance(0.55)) {
    return order.amount;
  }
  if (order.items.length > 1) {
    return first.price_fen * first.quantity;
  }
  if (first.quantity > 1) {
    return first.price_fen;
  }
  return Math.max(1, Math.round(order.amount * rng.range(0.1, 0.5)));
}
