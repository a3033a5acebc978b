/**
 * The demo brand's people: how many orders each will place, in which shops, and the identities those shops
 * know them by.
 */
import type { Shop } from '../events/event.schema.ts';
import type { Member } from './communities.ts';
import type { Order } from './orders.ts';
import { ALNUM, cumulative, digits, drawIndex, type Rng, token, unique, words } from './random.ts';
import type { Identity } from './timeline.ts';

export type DemoShop = Extract<Shop, 'tmall' | 'taobao' | 'jd' | 'miniapp'>;

export type Person = {
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

const MINIAPP_SCOPE = 'wx_demo_miniapp';

// People who only ever met the brand through a WeCom QR code (a poster, a friend): unknown to every shop.
const QR_ONLY_SHARE = 0.03;
// Orders per buyer follow a Pareto tail: P(n ≥ k) = k^-1.6, so ~67 % buy once and ~2.5 % ten times or more.
const ORDER_TAIL = 1.6;
const MAX_ORDERS = 36;

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

export function drawPhone(rng: Rng): string {
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

function drawShop(rng: Rng): DemoShop {
  return SHOP_NAMES[drawIndex(SHOP_WEIGHTS, rng)] as DemoShop;
}

/** One shop for most; repeat buyers increasingly also buy elsewhere (a 618 deal on JD, the mini-program). */
function drawShops(rng: Rng, orderCount: number): DemoShop[] {
  const shops = [drawShop(rng)];
  if (orderCount >= 2 && rng.chance(Math.min(0.7, 0.25 + 0.03 * orderCount))) {
    const wanted = orderCount >= 4 && rng.chance(0.15) ? 3 : 2;
    while (shops.length < wanted) {
      const shop = drawShop(rng);
      if (!shops.includes(shop)) {
        shops.push(shop);
      }
    }
  }
  return shops;
}

/** `customers` people, each with a phone no one else has; `phones` collects them. */
export function createPeople(customers: number, rng: Rng, phones: Set<string>): Person[] {
  const nicks = new Set<string>();
  const pins = new Set<string>();
  const qrOnly = Math.round(customers * QR_ONLY_SHARE);
  const people: Person[] = [];
  for (let i = 0; i < customers; i++) {
    const orderCount = i < customers - qrOnly ? drawOrderCount(rng) : 0;
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
export function buyerIdentities(person: Person, shop: DemoShop): Identity[] {
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
export function orderIdentities(person: Person, shop: DemoShop, rng: Rng): Identity[] {
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
