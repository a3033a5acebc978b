/**
 * The demo brand, 小鹿美肌 (a skincare brand selling on Tmall, Taobao, JD and its own WeChat mini-program,
 * with a few dozen WeCom groups), as raw events in the shape the ingestion API accepts.
 *
 * Pure and seeded: no I/O, no clock, no Math.random. The same options always give the same events, so the
 * first start of the product, its tests and its screenshots all see the same customers.
 */
import { type EventInput, MAX_BATCH } from '../events/event.schema.ts';
import { createCommunities, createMembers, emitMemberships } from './communities.ts';
import { emitChat, emitCheckins, emitReferrals, emitShares } from './community-activity.ts';
import { createOrders, emitOrders } from './orders.ts';
import { createPeople } from './people.ts';
import { emitContent, emitQuestionnaires } from './questionnaires-and-posts.ts';
import { stream } from './random.ts';
import { createTimeline, type Timed } from './timeline.ts';

export type DemoOptions = { seed: number; customers: number; days: number; end: Date; communities: number };

/** 20,000 people over 180 days ending at midnight Beijing time on 2026-11-21: takes in 618 and Double 11. */
export const DEFAULT_DEMO: DemoOptions = {
  seed: 20261123,
  customers: 20000,
  days: 180,
  end: new Date('2026-11-20T16:00:00Z'),
  communities: 30,
};

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
  const tl = createTimeline(options.end, options.days);
  const phones = new Set<string>();
  const people = createPeople(options.customers, stream(seed, 'people'), phones);
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
