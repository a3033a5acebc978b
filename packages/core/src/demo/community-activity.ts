/**
 * What members do in and around the demo brand's WeCom groups: chat, pat each other, take the check-in
 * challenges, share the brand's posts and invite their friends.
 */
import { inGroupAt, type Member } from './communities.ts';
import { drawPhone, type Person } from './people.ts';
import { cumulative, drawIndex, poisson, type Rng, unique, words } from './random.ts';
import {
  atHour,
  CHAT_HOURS,
  DAY,
  dayOf,
  emit,
  HOUR,
  numbering,
  SECOND,
  type Timed,
  type Timeline,
  wholeSecond,
  ymd,
} from './timeline.ts';

// New members talk most in their first weeks; afterwards they settle to about a third of that.
const SETTLED = 0.35;
const WARM_DAYS = 21;

export function spanDays(m: Member): number {
  return (m.until - m.joinedAt) / DAY;
}

/**
 * Expected activity of a member at rate 1, in message-days: the integral of the decaying rate, which is a
 * settled part, flat over the membership, and what the warm first weeks add to it.
 */
function activityOf(m: Member): { span: number; settled: number; warmTail: number; mass: number } {
  const span = spanDays(m);
  const settled = SETTLED * span;
  const warmTail = 1 - Math.exp(-span / WARM_DAYS);
  return { span, settled, warmTail, mass: settled + (1 - SETTLED) * WARM_DAYS * warmTail };
}

/** A moment while the member is in the group, drawn from the decaying rate and the chat hours. */
export function activityTime(tl: Timeline, rng: Rng, m: Member): number {
  const { span, settled, warmTail, mass } = activityOf(m);
  const age =
    rng.next() * mass < settled ? rng.next() * span : -WARM_DAYS * Math.log(1 - rng.next() * warmTail);
  const raw = m.joinedAt + age * DAY;
  const t = atHour(tl, rng, dayOf(tl, raw), CHAT_HOURS);
  const inside = (x: number) => Math.min(m.until - SECOND, Math.max(m.joinedAt + SECOND, x));
  return inGroupAt(m, t) ? t : inside(wholeSecond(raw));
}

const MESSAGE_TYPES = ['text', 'image', 'emoji', 'voice', 'link', 'video', 'other'] as const;
const MESSAGE_WEIGHTS = cumulative([68, 12, 11, 3, 4, 1, 1]);

export function emitChat(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const nextId = numbering();
  for (const m of members) {
    const mass = m.rate * activityOf(m).mass;
    const count = poisson(rng, mass);
    for (let i = 0; i < count; i++) {
      const type = MESSAGE_TYPES[drawIndex(MESSAGE_WEIGHTS, rng)] ?? 'text';
      // Only the length of a text is kept: the text itself is personal.
      const length = Math.min(500, Math.max(1, Math.round(Math.exp(2.2 + 0.9 * rng.normal()))));
      const props = type === 'text' ? { length } : {};
      emit(out, activityTime(tl, rng, m), 'wecom', nextId('msg'), 'message.sent', [m.wecom], {
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
        emit(out, at, 'wecom', nextId('pat'), 'pat', [m.wecom], {
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
    if (other !== m && inGroupAt(other, at)) {
      return other;
    }
  }
  return undefined;
}

const CHECKIN_THEMES = words('hydration sunscreen night-repair barrier glow anti-aging double11');

/** A seven-day check-in challenge every four weeks; streaks thin out day by day. */
export function emitCheckins(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const nextId = numbering();
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
        if (rng.chance(keep) && inGroupAt(m, at)) {
          emit(out, at, 'wecom', nextId('checkin'), 'checkin', [m.wecom], {
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
export function emitShares(members: readonly Member[], tl: Timeline, rng: Rng, out: Timed[]): void {
  const nextId = numbering();
  for (const m of members) {
    const perDay = m.rate === 0 ? 0.002 : 0.01 + 0.02 * Math.min(m.rate, 4);
    const count = poisson(rng, perDay * spanDays(m));
    for (let i = 0; i < count; i++) {
      const at = activityTime(tl, rng, m);
      const day = dayOf(tl, at);
      emit(out, at, 'demo', nextId('share'), 'share', [m.wecom], {
        content_id: `content-${ymd(tl, day - (day % 2))}`,
        channel: rng.chance(0.8) ? 'wechat_moments' : 'wechat_chat',
      });
    }
  }
}

/**
 * Referrals: some buyers were invited by a member shortly before their first order, some QR-code joiners
 * came through a friend, and some invited friends never came (phones no one else has).
 */
export function emitReferrals(
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
      if (m !== undefined && inGroupAt(m, at) && m.person !== invitee) {
        return m;
      }
    }
    return undefined;
  };
  const nextId = numbering();
  const refer = (at: number, referrer: Member, phone: string) => {
    emit(out, at, 'demo', nextId('referral'), 'referral', [referrer.wecom], {
      invitee: { kind: 'phone', value: phone },
      campaign_id: dayOf(tl, at) < tl.days / 2 ? 'invite-3-get-sample' : 'invite-5-get-full-size',
    });
  };
  for (const person of people) {
    const arrived = person.orderCount > 0 ? person.orders[0]?.at : person.member?.joinedAt;
    if (arrived === undefined || !rng.chance(person.orderCount > 0 ? 0.04 : 0.3)) {
      continue;
    }
    const at = wholeSecond(arrived - rng.range(2 * HOUR, 3 * DAY));
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
