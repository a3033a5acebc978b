/**
 * The demo brand, 小鹿美肌 (a skincare brand selling on Tmall, Taobao, JD and its own WeChat mini-program,
 * with a few dozen WeCom groups), as raw events in the shape the ingestion API accepts.
 *
 * Pure and seeded: no I/O, no clock, no Math.random. The same options always give the same events, so the
 * first start of the product, its tests and its screenshots all see the same customers.
 */
import { type EventInput, type EventKind, MAX_BATCH, type Shop } from '../events/event.schema.ts';

export type DemoOptions = { seed: number; customers: number; days: number; end: Date; communities: number };

/** 20,000 people over 180 days ending at midnight Beijing time on 2026-11-21: takes in 618 and Double 11. */
export const DEFAULT_DEMO: DemoOptions = {
  seed: 20261123,
  customers: 20000,
  days: 180,
  end: new Date('2026-11-20T16:00:00Z'),
  communities: 30,
};

type Identity = EventInput['identities'][number];
type DemoShop = Extract<Shop, 'tmall' | 'taobao' | 'jd' | 'miniapp'>;
type Timed = { at: number; event: EventInput };

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
/** Business time is Beijing time (UTC+8, no daylight saving): hours of day and festivals are read on it. */
const BEIJING = 8 * HOUR;

const MINIAPP_SCOPE = 'wx_demo_miniapp';
const WECOM_SCOPE = 'ww_demo_corp';
const BRAND = '小鹿美肌';

// People who only ever met the brand through a WeCom QR code (a poster, a friend): unknown to every shop.
const QR_ONLY_SHARE = 0.03;
// Orders per buyer follow a Pareto tail: P(n ≥ k) = k^-1.6, so ~67 % buy once and ~2.5 % ten times or more.
const ORDER_TAIL = 1.6;
const MAX_ORDERS = 36;
const REFUND_RATE = 0.065;

// ---------------------------------------------------------------------------------------------------------
// Randomness: sfc32 seeded through splitmix32; every part of the brand draws from its own stream, so tuning
// how people chat does not reshuffle who bought what.

type Rng = Readonly<{
  /** Uniform in [0, 1). */
  next: () => number;
  /** Integer in [0, n). */
  int: (n: number) => number;
  range: (lo: number, hi: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  normal: () => number;
}>;

function createRng(seed: number): Rng {
  let state = seed | 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) {
    next();
  }
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    range: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) {
        throw new RangeError('pick from an empty list');
      }
      return items[int(items.length)] as T;
    },
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

function stream(seed: number, label: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  const high = Math.floor(seed / 4294967296);
  return createRng(Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b) ^ h);
}

function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) {
    return 0;
  }
  if (mean > 30) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Cumulative weights (length n + 1, starting at 0), so a weighted draw is one binary search. */
function cumulative(weights: readonly number[]): Float64Array {
  const cum = new Float64Array(weights.length + 1);
  weights.forEach((w, i) => {
    cum[i + 1] = (cum[i] ?? 0) + w;
  });
  return cum;
}

/** A weighted index in [lo, hi). */
function drawIndex(cum: Float64Array, rng: Rng, lo = 0, hi = cum.length - 1): number {
  const base = cum[lo] ?? 0;
  const x = base + rng.next() * ((cum[hi] ?? 0) - base);
  let l = lo;
  let h = hi - 1;
  while (l < h) {
    const m = (l + h + 1) >> 1;
    if ((cum[m] ?? 0) <= x) {
      l = m;
    } else {
      h = m - 1;
    }
  }
  return l;
}

function token(rng: Rng, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[rng.int(alphabet.length)];
  }
  return out;
}

function digits(rng: Rng, length: number): string {
  return token(rng, length, '0123456789');
}

function unique(taken: Set<string>, draw: () => string): string {
  for (;;) {
    const value = draw();
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
}

/** A list written as whitespace-separated words: keeps long vocabularies on a few lines. */
function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

function numbers(text: string): number[] {
  return words(text).map(Number);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

// ---------------------------------------------------------------------------------------------------------
// Time: a grid of Beijing days covering the window, weighted for shopping festivals.

type Timeline = Readonly<{
  /** First and last instants allowed (ms, whole seconds, inclusive). */
  start: number;
  end: number;
  /** Beijing midnight on or before `start`: day 0 of the grid. */
  origin: number;
  days: number;
  shoppingDays: Float64Array;
  promo: readonly boolean[];
}>;

// Orders peak late in the evening; chat peaks at lunch and after dinner.
const SHOPPING_HOURS = cumulative(
  numbers('3 1.5 .8 .4 .3 .3 .6 1.2 2 3 4 4.5 5 4.5 4 4 4 3.8 4 5 6.5 7.5 7 5'),
);
const CHAT_HOURS = cumulative(
  numbers('1 .5 .2 .1 .1 .2 .8 2.5 4 4.5 4 4 6 5 3.5 3.5 3.5 3.5 3.8 4.5 6 7 6.5 3.5'),
);

function createTimeline(options: DemoOptions): Timeline {
  const endMs = options.end.getTime();
  const end = Math.floor(endMs / SECOND) * SECOND;
  const start = Math.ceil((endMs - options.days * DAY) / SECOND) * SECOND;
  const origin = Math.floor((start + BEIJING) / DAY) * DAY - BEIJING;
  const days = Math.max(1, Math.ceil((end - origin) / DAY));
  const weights: number[] = [];
  const promo: boolean[] = [];
  for (let day = 0; day < days; day++) {
    const date = new Date(origin + day * DAY + BEIJING);
    const md = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
    weights.push(shoppingWeight(md, date.getUTCDay()));
    promo.push((md >= 531 && md <= 618) || (md >= 1020 && md <= 1111) || md === 1212 || md === 308);
  }
  return { start, end, origin, days, shoppingDays: cumulative(weights), promo };
}

/** How busy a calendar day is for the shops: weekends, 38, 520, the 618 and Double 11 presales and peaks. */
function shoppingWeight(md: number, weekday: number): number {
  const weekend = weekday === 0 || weekday === 6 ? 1.15 : 1;
  if (md === 618) {
    return weekend * 6;
  }
  if (md === 1111) {
    return weekend * 7;
  }
  if ((md >= 531 && md < 618) || (md >= 1020 && md < 1111)) {
    return weekend * 1.8;
  }
  if (md === 308 || md === 520 || md === 1212) {
    return weekend * 2;
  }
  return weekend;
}

function clamp(tl: Timeline, t: number): number {
  return Math.min(tl.end, Math.max(tl.start, Math.floor(t / SECOND) * SECOND));
}

function dayOf(tl: Timeline, t: number): number {
  return Math.floor((t - tl.origin) / DAY);
}

/** A moment on grid day `day`, at an hour drawn from `hours`. */
function atHour(tl: Timeline, rng: Rng, day: number, hours: Float64Array): number {
  return clamp(tl, tl.origin + day * DAY + drawIndex(hours, rng) * HOUR + rng.int(3600) * SECOND);
}

function ymd(tl: Timeline, day: number): string {
  return new Date(tl.origin + day * DAY + BEIJING).toISOString().slice(0, 10).replaceAll('-', '');
}

/** ISO 8601 with the Beijing offset, the way Chinese shops export their timestamps. */
function isoBeijing(t: number): string {
  return `${new Date(t + BEIJING).toISOString().slice(0, 19)}+08:00`;
}

function emit(
  out: Timed[],
  at: number,
  source: string,
  id: string,
  kind: EventKind,
  identities: Identity[],
  properties: Record<string, unknown>,
): void {
  out.push({ at, event: { id, kind, occurred_at: isoBeijing(at), source, identities, properties } });
}

// ---------------------------------------------------------------------------------------------------------
// People and their shop identities.

type Person = {
  phone: string;
  shops: DemoShop[];
  orderCount: number;
  nick: string | undefined;
  pin: string | undefined;
  openid: string | undefined;
  unionid: string | undefined;
  /** Their orders in time order. */
  orders: Order[];
  member: Member | undefined;
};

// Tmall outsells the rest; the mini-program is the brand's own shop, pushed hard in its groups.
const SHOP_NAMES: readonly DemoShop[] = ['tmall', 'jd', 'taobao', 'miniapp'];
const SHOP_WEIGHTS = cumulative([0.42, 0.2, 0.13, 0.25]);

const MOBILE_PREFIXES = words(`
  130 131 132 133 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 166 173 176 177 180 181
  182 183 185 186 187 188 189 191 198 199
`);
const NICK_HEADS = words(`
  小鹿 木子 柠檬 橘子 星星 糖糖 晴天 阿狸 奶茶 小美 西瓜 桃子 芒果 月亮 兔子 小雨 七七 豆豆
  可乐 饼干 安安 鱼鱼 朵朵 甜甜
`);
const NICK_TAILS = words(
  '爱美丽 的小窝 不吃糖 要变美 酱 呀 同学 宝贝 本尊 的日常 妈妈 小姐姐 在路上 喵 爱护肤',
);
const PINYIN = words(`
  xiaolu mei li tangtang qing tian juzi ning meng xing yue tutu yu doudou kele mimi anan jing wen yan
  lin chen wang zhang liu zhou
`);

function drawPhone(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + digits(rng, 8);
}

function drawNick(rng: Rng): string {
  const r = rng.next();
  if (r < 0.55) {
    const tail = rng.chance(0.9) ? rng.pick(NICK_TAILS) : '';
    return rng.pick(NICK_HEADS) + tail + digits(rng, rng.int(5));
  }
  if (r < 0.8) {
    return `tb_${rng.pick(PINYIN)}${rng.chance(0.4) ? rng.pick(PINYIN) : ''}${digits(rng, 2 + rng.int(3))}`;
  }
  // The name Taobao gives an account whose owner never chose one.
  return `tb${digits(rng, 9 + rng.int(2))}`;
}

function drawPin(rng: Rng): string {
  return rng.chance(0.7)
    ? `jd_${token(rng, 12, '0123456789abcdefghijklmnopqrstuvwxyz')}`
    : `${rng.pick(PINYIN)}_${1980 + rng.int(26)}${digits(rng, rng.int(3))}`;
}

function drawOrderCount(rng: Rng): number {
  return Math.min(MAX_ORDERS, Math.floor((1 - rng.next()) ** (-1 / ORDER_TAIL)));
}

/** One shop for most; repeat buyers increasingly also buy elsewhere (a 618 deal on JD, the mini-program). */
function drawShops(rng: Rng, orderCount: number): DemoShop[] {
  const primary = SHOP_NAMES[drawIndex(SHOP_WEIGHTS, rng)] as DemoShop;
  const shops = [primary];
  if (orderCount >= 2 && rng.chance(Math.min(0.7, 0.25 + 0.03 * orderCount))) {
    const wanted = orderCount >= 4 && rng.chance(0.15) ? 3 : 2;
    while (shops.length < wanted) {
      const shop = SHOP_NAMES[drawIndex(SHOP_WEIGHTS, rng)] as DemoShop;
      if (!shops.includes(shop)) {
        shops.push(shop);
      }
    }
  }
  return shops;
}

function createPeople(options: DemoOptions, rng: Rng, phones: Set<string>): Person[] {
  const nicks = new Set<string>();
  const pins = new Set<string>();
  const qrOnly = Math.round(options.customers * QR_ONLY_SHARE);
  const people: Person[] = [];
  for (let i = 0; i < options.customers; i++) {
    const orderCount = i < options.customers - qrOnly ? drawOrderCount(rng) : 0;
    const shops = orderCount > 0 ? drawShops(rng, orderCount) : [];
    const taobaoAccount = shops.includes('tmall') || shops.includes('taobao');
    const wechat = shops.includes('miniapp');
    people.push({
      phone: unique(phones, () => drawPhone(rng)),
      shops,
      orderCount,
      // Tmall and Taobao share one account system, so one nick serves both.
      nick: taobaoAccount ? unique(nicks, () => drawNick(rng)) : undefined,
      pin: shops.includes('jd') ? unique(pins, () => drawPin(rng)) : undefined,
      // Openids of one app share their first characters; unionids those of the open-platform account.
      openid: wechat ? `oXl3d${token(rng, 23, `${ALNUM}-_`)}` : undefined,
      unionid: wechat ? `o9Kp2${token(rng, 23, `${ALNUM}-_`)}` : undefined,
      orders: [],
      member: undefined,
    });
  }
  return people;
}

/** The identity a shop knows its buyer by, without the phone. */
function buyerIdentities(person: Person, shop: DemoShop): Identity[] {
  switch (shop) {
    case 'tmall':
    case 'taobao':
      return [{ kind: 'taobao_nick', value: person.nick ?? '' }];
    case 'jd':
      return [{ kind: 'jd_pin', value: person.pin ?? '' }];
    case 'miniapp':
      return [
        { kind: 'wechat_openid', scope: MINIAPP_SCOPE, value: person.openid ?? '' },
        { kind: 'wechat_unionid', value: person.unionid ?? '' },
      ];
  }
}

/** What an order export carries: the buyer's account, and the receiver's phone on many (masked on some). */
function orderIdentities(person: Person, shop: DemoShop, rng: Rng): Identity[] {
  const identities = buyerIdentities(person, shop);
  const r = rng.next();
  const withPhone = shop === 'miniapp' ? 0.9 : shop === 'jd' ? 0.4 : 0.6;
  if (r < withPhone) {
    identities.push({ kind: 'phone', value: person.phone });
  } else if (shop === 'taobao' && r < withPhone + 0.15) {
    // Newer Taobao exports mask the receiver's phone: kept for display, never matched.
    identities.push({ kind: 'phone', value: `${person.phone.slice(0, 3)}****${person.phone.slice(7)}` });
  }
  return identities;
}

// ---------------------------------------------------------------------------------------------------------
// Orders and refunds.

type Product = { sku: string; name: string; short: string; yuan: number };
type Item = { sku: string; name: string; quantity: number; price_fen: number };
type Order = { id: string; person: Person; shop: DemoShop; at: number; items: Item[]; amount: number };

const CATALOGUE: readonly Product[] = [
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

function drawItems(rng: Rng, promo: boolean): Item[] {
  const r = rng.next();
  const lines = r < 0.65 ? 1 : r < 0.9 ? 2 : 3;
  const chosen = new Set<Product>();
  while (chosen.size < lines) {
    chosen.add(CATALOGUE[drawIndex(CATALOGUE_WEIGHTS, rng)] as Product);
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

function createOrders(people: readonly Person[], tl: Timeline, rng: Rng): Order[] {
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
  const counters = new Map<DemoShop, number>();
  for (const order of orders) {
    const n = (counters.get(order.shop) ?? 0) + 1;
    counters.set(order.shop, n);
    order.id = `${order.shop}-order-${n}`;
    order.person.orders.push(order);
  }
  return orders;
}

function emitOrders(orders: readonly Order[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const refunds = new Map<DemoShop, number>();
  for (const order of orders) {
    const { shop, person } = order;
    emit(out, order.at, shop, order.id, 'order.paid', orderIdentities(person, shop, rng), {
      shop,
      order_id: order.id,
      amount_fen: order.amount,
      items: order.items,
    });
    if (!rng.chance(REFUND_RATE)) {
      continue;
    }
    const at = clamp(tl, order.at + rng.range(HOUR, 14 * DAY));
    if (at <= order.at || at >= tl.end) {
      continue;
    }
    const n = (refunds.get(shop) ?? 0) + 1;
    refunds.set(shop, n);
    const refundId = `${shop}-refund-${n}`;
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

// ---------------------------------------------------------------------------------------------------------
// WeCom groups: who joins which, when, how chatty they are, and when they leave.

type Community = { id: string; name: string; members: Member[] };
type Member = {
  person: Person;
  wecom: Readonly<Identity>;
  community: Community;
  /** The order whose package card brought them in; undefined for QR-code joiners. */
  order: Order | undefined;
  joinedAt: number;
  /** The last moment in the group: when they left, or the end of the window. */
  until: number;
  left: boolean;
  /** Messages per day in their first weeks; 0 for members who never speak. */
  rate: number;
  skinType: string;
  platform: 'xhs' | 'douyin';
  platformId: string;
};

const SKIN_TYPES = ['混合肌', '混合肌', '油性肌', '干性肌', '敏感肌', '中性肌', '混合偏油', '混合偏干'];

function createCommunities(count: number): Community[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    // The two oldest groups, full of the earliest buyers, were made the VIP groups.
    const name = n <= 2 ? `${BRAND}VIP会员${n}群` : `${BRAND}福利${n - 2}群`;
    return { id: `group-${String(n).padStart(2, '0')}`, name, members: [] };
  });
}

/** Log-normal chat rate: most members say little or nothing, a few talk all day. */
function drawChatRate(rng: Rng): number {
  const r = rng.next();
  if (r < 0.4) {
    return 0;
  }
  const rate = Math.exp(-1.3 + 1.5 * rng.normal());
  return Math.min(60, r > 0.985 ? rate * 10 : rate);
}

/** Package-card joins are likelier for repeat buyers: more parcels, more cards, more loyalty. */
function joinChance(orderCount: number): number {
  return Math.min(0.8, 0.34 + 0.06 * (orderCount - 1));
}

type Joining = { person: Person; at: number; order: Order | undefined };

function createMembers(
  people: readonly Person[],
  tl: Timeline,
  rng: Rng,
  communities: Community[],
): Member[] {
  const joinings: Joining[] = [];
  for (const person of people) {
    if (person.orderCount === 0) {
      joinings.push({ person, at: atHour(tl, rng, rng.int(tl.days), CHAT_HOURS), order: undefined });
      continue;
    }
    if (person.orders.length === 0 || !rng.chance(joinChance(person.orders.length))) {
      continue;
    }
    // The card is in the parcel: the first one usually, sometimes a later one finally gets scanned.
    const order = rng.chance(0.6) ? (person.orders[0] as Order) : rng.pick(person.orders);
    const day = dayOf(tl, order.at) + 2 + rng.int(5);
    if (day < tl.days) {
      joinings.push({ person, at: atHour(tl, rng, day, CHAT_HOURS), order });
    }
  }
  // Groups fill one after another: when one is full the brand opens the next.
  joinings.sort((a, b) => a.at - b.at);
  return joinings.map((joining, rank) => {
    const community = communities[Math.floor((rank * communities.length) / joinings.length)] as Community;
    const rate = drawChatRate(rng);
    const leaveAt = joining.at + HOUR + -Math.log(1 - rng.next()) * 30 * DAY;
    const left = rng.chance(rate === 0 ? 0.22 : 0.08) && leaveAt < tl.end;
    const platform = rng.chance(0.7) ? 'xhs' : 'douyin';
    const member: Member = {
      person: joining.person,
      wecom: Object.freeze({
        kind: 'wecom_external_userid',
        scope: WECOM_SCOPE,
        value: `wm${token(rng, 30, ALNUM)}`,
      }),
      community,
      order: joining.order,
      joinedAt: joining.at,
      until: left ? clamp(tl, leaveAt) : tl.end,
      left,
      rate,
      skinType: rng.pick(SKIN_TYPES),
      platform,
      platformId:
        platform === 'xhs' ? digits(rng, 9 + rng.int(2)) : `dy${token(rng, 10, ALNUM.toLowerCase())}`,
    };
    community.members.push(member);
    joining.person.member = member;
    return member;
  });
}

function emitMemberships(members: readonly Member[], rng: Rng, out: Timed[]): void {
  let links = 0;
  let joins = 0;
  let leaves = 0;
  for (const m of members) {
    const order = m.order;
    if (order !== undefined) {
      // Scanning the card adds the brand's WeCom account with the order in its state parameter: this is
      // what ties the WeCom contact to the shop buyer.
      const linkedAt = m.joinedAt - Math.floor(rng.range(2 * 60, 2 * 3600)) * SECOND;
      const identities = [...buyerIdentities(m.person, order.shop).slice(0, 1), m.wecom];
      emit(out, linkedAt, 'wecom', `link-${++links}`, 'identity.linked', identities, {
        via: 'package_card',
        shop: order.shop,
        order_id: order.id,
      });
    }
    emit(out, m.joinedAt, 'wecom', `join-${++joins}`, 'community.joined', [m.wecom], {
      community_id: m.community.id,
      community_name: m.community.name,
      via: order === undefined ? 'qr_code' : 'package_card',
    });
    if (m.left) {
      emit(out, m.until, 'wecom', `leave-${++leaves}`, 'community.left', [m.wecom], {
        community_id: m.community.id,
        // Ads and spam get people removed; everyone else leaves by themselves.
        reason: rng.chance(0.1) ? 'removed' : 'left',
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// What members do in and around the groups.

// New members talk most in their first weeks; afterwards they settle to about a third of that.
const SETTLED = 0.35;
const WARM_DAYS = 21;

function spanDays(m: Member): number {
  return (m.until - m.joinedAt) / DAY;
}

/** Expected activity of a member at rate 1, in message-days: the integral of the decaying rate. */
function activityMass(m: Member): number {
  const span = spanDays(m);
  return SETTLED * span + (1 - SETTLED) * WARM_DAYS * (1 - Math.exp(-span / WARM_DAYS));
}

/** A moment while the member is in the group, drawn from the decaying rate and the chat hours. */
function activityTime(tl: Timeline, rng: Rng, m: Member): number {
  const span = spanDays(m);
  const settled = SETTLED * span;
  const warmTail = 1 - Math.exp(-span / WARM_DAYS);
  const age =
    rng.next() * activityMass(m) < settled
      ? rng.next() * span
      : -WARM_DAYS * Math.log(1 - rng.next() * warmTail);
  const raw = m.joinedAt + age * DAY;
  const t = atHour(tl, rng, dayOf(tl, raw), CHAT_HOURS);
  // Strictly inside the membership, so a message never lands on the same second as the join or the leave.
  const inside = (x: number) => Math.min(m.until - SECOND, Math.max(m.joinedAt + SECOND, x));
  return t > m.joinedAt && t < m.until ? t : inside(Math.floor(raw / SECOND) * SECOND);
}

const MESSAGE_TYPES = ['text', 'image', 'emoji', 'voice', 'link', 'video', 'other'] as const;
const MESSAGE_WEIGHTS = cumulative([68, 12, 11, 3, 4, 1, 1]);

function emitChat(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  let messages = 0;
  let pats = 0;
  for (const m of members) {
    const mass = m.rate * activityMass(m);
    const count = poisson(rng, mass);
    for (let i = 0; i < count; i++) {
      const type = MESSAGE_TYPES[drawIndex(MESSAGE_WEIGHTS, rng)] ?? 'text';
      // Only the length of a text is kept: the text itself is personal.
      const length = Math.min(500, Math.max(1, Math.round(Math.exp(2.2 + 0.9 * rng.normal()))));
      const props = type === 'text' ? { length } : {};
      emit(out, activityTime(tl, rng, m), 'wecom', `msg-${++messages}`, 'message.sent', [m.wecom], {
        community_id: m.community.id,
        message_type: type,
        ...props,
      });
    }
    const patCount = poisson(rng, mass * 0.06);
    for (let i = 0; i < patCount; i++) {
      const at = activityTime(tl, rng, m);
      const target = otherMember(m, at, rng);
      if (target !== undefined) {
        emit(out, at, 'wecom', `pat-${++pats}`, 'pat', [m.wecom], {
          community_id: m.community.id,
          target: { ...target.wecom },
        });
      }
    }
  }
}

function otherMember(m: Member, at: number, rng: Rng): Member | undefined {
  for (let tries = 0; tries < 6; tries++) {
    const other = rng.pick(m.community.members);
    if (other !== m && other.joinedAt < at && other.until > at) {
      return other;
    }
  }
  return undefined;
}

const CHECKIN_THEMES = words('hydration sunscreen night-repair barrier glow anti-aging double11');

/** A seven-day check-in challenge every four weeks; streaks thin out day by day. */
function emitCheckins(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  let checkins = 0;
  for (let k = 0, first = 7; first + 7 <= tl.days; k++, first += 28) {
    const activityId = `checkin-${ymd(tl, first)}-${CHECKIN_THEMES[k % CHECKIN_THEMES.length]}`;
    const opens = tl.origin + first * DAY;
    for (const m of members) {
      if (m.joinedAt > opens + 2 * DAY || m.until < opens) {
        continue;
      }
      if (!rng.chance(m.rate === 0 ? 0.02 : Math.min(0.8, 0.1 + 0.3 * Math.sqrt(m.rate)))) {
        continue;
      }
      let keep = rng.range(0.55, 0.95);
      for (let d = 0; d < 7; d++) {
        const at = atHour(tl, rng, first + d, CHAT_HOURS);
        if (rng.chance(keep) && at > m.joinedAt && at < m.until) {
          emit(out, at, 'wecom', `checkin-${++checkins}`, 'checkin', [m.wecom], {
            community_id: m.community.id,
            activity_id: activityId,
          });
        }
        keep *= 0.92;
      }
    }
  }
}

/** Members pass the brand's posts (one every other day) on to Moments and friends. */
function emitShares(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  let shares = 0;
  for (const m of members) {
    const perDay = m.rate === 0 ? 0.002 : 0.01 + 0.02 * Math.min(m.rate, 4);
    const count = poisson(rng, perDay * spanDays(m));
    for (let i = 0; i < count; i++) {
      const at = activityTime(tl, rng, m);
      const day = dayOf(tl, at);
      emit(out, at, 'demo', `share-${++shares}`, 'share', [m.wecom], {
        content_id: `content-${ymd(tl, day - (day % 2))}`,
        channel: rng.chance(0.8) ? 'wechat_moments' : 'wechat_chat',
      });
    }
  }
}

const CONCERNS = ['补水保湿', '美白提亮', '抗老紧致', '祛痘控油', '修护屏障', '毛孔粗大', '黑眼圈'];
const AGE_RANGES = ['18-24', '25-30', '25-30', '31-35', '31-35', '36-40', '41+'];
const TRIAL_REASONS = ['想试试新品', '一直在用小鹿，想分享', '换季皮肤不稳定', '喜欢写测评', '朋友推荐'];

function pickSome(rng: Rng, items: readonly string[], max: number): string[] {
  const wanted = 1 + rng.int(max);
  const chosen = new Set<string>();
  while (chosen.size < wanted) {
    chosen.add(rng.pick(items));
  }
  return [...chosen];
}

/** Something the member bought, or a bestseller for members no shop knows. */
function favouriteProduct(m: Member, rng: Rng): string {
  const bought = m.person.orders.flatMap((o) => o.items);
  const sku = bought.length > 0 ? rng.pick(bought).sku : undefined;
  const product =
    CATALOGUE.find((p) => p.sku === sku) ?? (CATALOGUE[drawIndex(CATALOGUE_WEIGHTS, rng)] as Product);
  return product.short;
}

/**
 * Three questionnaires: the skin profile offered on joining, a trial-officer (体验官) recruitment a little
 * after the middle of the window, and a satisfaction survey near its end.
 */
function emitQuestionnaires(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  let answers = 0;
  const submit = (m: Member, at: number, questionnaireId: string, body: Record<string, unknown>) => {
    emit(out, at, 'demo', `questionnaire-${++answers}`, 'questionnaire.submitted', [m.wecom], {
      questionnaire_id: questionnaireId,
      answers: body,
    });
  };
  const trialDay = Math.floor(tl.days * 0.55);
  const surveyDay = Math.floor(tl.days * 0.85);
  for (const m of members) {
    const at = clamp(tl, m.joinedAt + rng.range(10 * 60 * SECOND, 5 * DAY));
    if (rng.chance(m.rate === 0 ? 0.15 : 0.35) && at < m.until) {
      submit(m, at, 'q-skin-profile', {
        skin_type: m.skinType,
        concerns: pickSome(rng, CONCERNS, 3),
        age_range: rng.pick(AGE_RANGES),
        monthly_budget_yuan: rng.pick([100, 200, 300, 300, 500, 500, 800, 1000, 1500]),
        sensitive: m.skinType === '敏感肌' || rng.chance(0.15),
      });
    }
    const trialAt = atHour(tl, rng, trialDay + rng.int(7), CHAT_HOURS);
    const trialChance = m.rate === 0 ? 0.01 : Math.min(0.5, 0.05 + 0.15 * Math.sqrt(m.rate));
    if (rng.chance(trialChance) && trialAt > m.joinedAt && trialAt < m.until) {
      submit(m, trialAt, `q-trial-officer-${ymd(tl, trialDay)}`, {
        skin_type: m.skinType,
        platform: m.platform,
        followers: Math.round(Math.exp(5 + 1.6 * rng.normal())),
        posts_per_week: 1 + rng.int(5),
        product_wanted: rng.pick(CATALOGUE).short,
        reason: rng.pick(TRIAL_REASONS),
      });
    }
    const surveyAt = atHour(tl, rng, surveyDay + rng.int(5), CHAT_HOURS);
    if (rng.chance(m.rate === 0 ? 0.03 : 0.12) && surveyAt > m.joinedAt && surveyAt < m.until) {
      const nps = Math.min(10, Math.max(0, Math.round(8 + 2 * rng.normal())));
      submit(m, surveyAt, `q-satisfaction-${ymd(tl, surveyDay)}`, {
        nps,
        favourite_product: favouriteProduct(m, rng),
        would_recommend: nps >= 8,
      });
    }
  }
}

type Title = (product: string, skin: string) => string;
const TITLES: readonly Title[] = [
  (p, s) => `${p}真实测评｜${s}亲测28天`,
  (p) => `回购第三瓶的${p}，到底好在哪`,
  (p, s) => `${s}换季护肤｜${p}真的绝了`,
  (p) => `平价好用！${p}使用心得`,
  (p) => `空瓶记｜${p}值不值得买`,
  (p, s) => `${s}姐妹看过来，${p}怎么用最有效`,
  (p) => `${BRAND}${p}开箱，包装也太好看了`,
];

// Snapshots of a post's metrics, in days after publishing, and the share of its final reach by then.
const SNAPSHOTS: readonly (readonly [number, number])[] = [
  [1, 0.35],
  [3, 0.7],
  [7, 0.92],
  [30, 1],
];

/** UGC posts by the chattier members, with exposure that is log-normal and now and then goes viral. */
function emitContent(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  let posts = 0;
  let snapshots = 0;
  let notes = 0;
  let videos = 0;
  for (const m of members) {
    const count = m.rate === 0 ? 0 : poisson(rng, 0.008 * Math.min(m.rate, 6) ** 0.7 * spanDays(m));
    for (let i = 0; i < count; i++) {
      const at = activityTime(tl, rng, m);
      const xhs = m.platform === 'xhs';
      const contentId = xhs ? `xhs-note-${++notes}` : `douyin-video-${++videos}`;
      const author: Identity = { kind: xhs ? 'xhs_id' : 'douyin_id', value: m.platformId };
      emit(out, at, 'demo', `post-${++posts}`, 'content.published', [m.wecom, author], {
        content_id: contentId,
        platform: m.platform,
        title: rng.pick(TITLES)(favouriteProduct(m, rng), m.skinType),
        url: xhs
          ? `https://www.xiaohongshu.com/explore/${token(rng, 24, HEX)}`
          : `https://www.douyin.com/video/7${digits(rng, 18)}`,
      });
      const viral = rng.chance(0.02) ? rng.range(20, 80) : 1;
      const reach = Math.min(1e9, Math.round(Math.exp(Math.log(600) + 1.3 * rng.normal()) * viral));
      const likeRate = rng.range(0.02, 0.08);
      const [commentRate, saveRate, shareRate] = [
        rng.range(0.05, 0.15),
        rng.range(0.2, 0.6),
        rng.range(0.02, 0.08),
      ];
      for (const [afterDays, share] of SNAPSHOTS) {
        const snapshotAt = at + afterDays * DAY;
        if (snapshotAt > tl.end) {
          break;
        }
        // The platform reports metrics for the post's author, by their platform id only.
        const exposure = Math.floor(reach * share);
        const likes = Math.floor(exposure * likeRate);
        emit(out, snapshotAt, 'demo', `metrics-${++snapshots}`, 'content.metrics', [{ ...author }], {
          content_id: contentId,
          exposure,
          likes,
          comments: Math.floor(likes * commentRate),
          saves: Math.floor(likes * saveRate),
          shares: Math.floor(likes * shareRate),
        });
      }
    }
  }
}

/**
 * Referrals: some buyers were invited by a member shortly before their first order, some QR-code joiners
 * came through a friend, and some invited friends never came (phones no one else has).
 */
function emitReferrals(
  people: readonly Person[],
  members: readonly Member[],
  tl: Timeline,
  rng: Rng,
  phones: Set<string>,
  out: Timed[],
): void {
  if (members.length === 0) {
    return;
  }
  // Chatty members invite more, and a few invite a lot.
  const weights = cumulative(members.map((m) => m.rate ** 0.8 + 0.02));
  const referrerAt = (at: number, invitee: Person | undefined): Member | undefined => {
    for (let tries = 0; tries < 10; tries++) {
      const m = members[drawIndex(weights, rng)];
      if (m !== undefined && m.joinedAt < at && m.until > at && m.person !== invitee) {
        return m;
      }
    }
    return undefined;
  };
  let referrals = 0;
  const refer = (at: number, referrer: Member, phone: string) => {
    emit(out, at, 'demo', `referral-${++referrals}`, 'referral', [referrer.wecom], {
      invitee: { kind: 'phone', value: phone },
      campaign_id: dayOf(tl, at) < tl.days / 2 ? 'invite-3-get-sample' : 'invite-5-get-full-size',
    });
  };
  for (const person of people) {
    const arrived = person.orderCount > 0 ? person.orders[0]?.at : person.member?.joinedAt;
    if (arrived === undefined || !rng.chance(person.orderCount > 0 ? 0.04 : 0.3)) {
      continue;
    }
    const at = Math.floor((arrived - rng.range(2 * HOUR, 3 * DAY)) / SECOND) * SECOND;
    const referrer = at >= tl.start ? referrerAt(at, person) : undefined;
    if (referrer !== undefined) {
      refer(at, referrer, person.phone);
    }
  }
  const neverCame = Math.round(members.length * 0.08);
  for (let i = 0; i < neverCame; i++) {
    const at = atHour(tl, rng, rng.int(tl.days), CHAT_HOURS);
    const referrer = referrerAt(at, undefined);
    const phone = unique(phones, () => drawPhone(rng));
    if (referrer !== undefined) {
      refer(at, referrer, phone);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

function checkOptions(o: DemoOptions): void {
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  if (!Number.isFinite(o.seed) || !whole(o.customers) || !whole(o.days) || !whole(o.communities)) {
    throw new RangeError('demo options: seed must be a number; customers, days, communities whole and ≥ 1');
  }
  if (!Number.isFinite(o.end.getTime())) {
    throw new RangeError('demo options: end is not a valid date');
  }
}

/** Every event of the demo brand, in time order. Builds them all in memory: ~300k for the defaults. */
export function generateDemoEvents(options: DemoOptions): EventInput[] {
  checkOptions(options);
  const { seed } = options;
  const tl = createTimeline(options);
  const phones = new Set<string>();
  const people = createPeople(options, stream(seed, 'people'), phones);
  const orders = createOrders(people, tl, stream(seed, 'orders'));
  const communities = createCommunities(options.communities);
  const members = createMembers(people, tl, stream(seed, 'members'), communities);
  const out: Timed[] = [];
  emitOrders(orders, tl, stream(seed, 'order-events'), out);
  emitMemberships(members, stream(seed, 'memberships'), out);
  emitChat(members, tl, stream(seed, 'chat'), out);
  emitCheckins(members, tl, stream(seed, 'checkins'), out);
  emitShares(members, tl, stream(seed, 'shares'), out);
  emitQuestionnaires(members, tl, stream(seed, 'questionnaires'), out);
  emitContent(members, tl, stream(seed, 'content'), out);
  emitReferrals(people, members, tl, stream(seed, 'referrals'), phones, out);
  // Stable sort: events at the same second keep the order they were made in (a link before its join).
  out.sort((a, b) => a.at - b.at);
  return out.map((t) => t.event);
}

/** The demo's events in time order, in batches the ingestion API accepts. */
export function* generateDemo(options: DemoOptions): Generator<EventInput[], void, undefined> {
  const events = generateDemoEvents(options);
  for (let i = 0; i < events.length; i += MAX_BATCH) {
    yield events.slice(i, i + MAX_BATCH);
  }
}
