/**
 * The demo brand's WeCom groups: who joins which, when, how chatty they are, and when they leave.
 */
import type { Order } from './orders.ts';
import { buyerIdentities, type Person } from './people.ts';
import { ALNUM, digits, type Rng, token } from './random.ts';
import {
  atHour,
  CHAT_HOURS,
  clamp,
  DAY,
  dayOf,
  emit,
  HOUR,
  type Identity,
  numbering,
  SECOND,
  type Timed,
  type Timeline,
} from './timeline.ts';

export const BRAND = '小鹿美肌';
const WECOM_SCOPE = 'ww_demo_corp';

export type Community = { id: string; name: string; members: Member[] };
export type Member = {
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

/** Strictly inside the membership: nothing a member does lands on the same second as their join or leave. */
export function inGroupAt(m: Member, at: number): boolean {
  return at > m.joinedAt && at < m.until;
}

const SKIN_TYPES = ['混合肌', '混合肌', '油性肌', '干性肌', '敏感肌', '中性肌', '混合偏油', '混合偏干'];

export function createCommunities(count: number): Community[] {
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

/** The members of every group, in the order they joined; each is also kept on their person and group. */
export function createMembers(
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
    if (!rng.chance(joinChance(person.orders.length))) {
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

export function emitMemberships(members: readonly Member[], rng: Rng, out: Timed[]): void {
  const nextId = numbering();
  for (const m of members) {
    const order = m.order;
    if (order !== undefined) {
      // Scanning the card adds the brand's WeCom account with the order in its state parameter: this is
      // what ties the WeCom contact to the shop buyer.
      const linkedAt = m.joinedAt - Math.floor(rng.range(2 * 60, 2 * 3600)) * SECOND;
      const identities = [...buyerIdentities(m.person, order.shop).slice(0, 1), m.wecom];
      emit(out, linkedAt, 'wecom', nextId('link'), 'identity.linked', identities, {
        via: 'package_card',
        shop: order.shop,
        order_id: order.id,
      });
    }
    emit(out, m.joinedAt, 'wecom', nextId('join'), 'community.joined', [m.wecom], {
      community_id: m.community.id,
      community_name: m.community.name,
      via: order === undefined ? 'qr_code' : 'package_card',
    });
    if (m.left) {
      emit(out, m.until, 'wecom', nextId('leave'), 'community.left', [m.wecom], {
        community_id: m.community.id,
        // Ads and spam get people removed; everyone else leaves by themselves.
        reason: rng.chance(0.1) ? 'removed' : 'left',
      });
    }
  }
}
