/**
 * Time for the demo brand: a grid of Beijing days covering the window, weighted for shopping festivals, and
 * the events placed on it.
 */
import type { EventInput, EventKind } from '../events/event.schema.ts';
import { cumulative, drawIndex, numbers, type Rng } from './random.ts';

export type Identity = EventInput['identities'][number];
export type Timed = { at: number; event: EventInput };

export const SECOND = 1000;
export const HOUR = 3600 * SECOND;
export const DAY = 24 * HOUR;
/** Business time is Beijing time (UTC+8, no daylight saving): hours of day and festivals are read on it. */
const BEIJING = 8 * HOUR;

export type Timeline = Readonly<{
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
export const SHOPPING_HOURS = cumulative(
  numbers('3 1.5 .8 .4 .3 .3 .6 1.2 2 3 4 4.5 5 4.5 4 4 4 3.8 4 5 6.5 7.5 7 5'),
);
export const CHAT_HOURS = cumulative(
  numbers('1 .5 .2 .1 .1 .2 .8 2.5 4 4.5 4 4 6 5 3.5 3.5 3.5 3.5 3.8 4.5 6 7 6.5 3.5'),
);

/** The `days` days before `end`. */
export function createTimeline(end: Date, days: number): Timeline {
  const endMs = end.getTime();
  const last = wholeSecond(endMs);
  const start = Math.ceil((endMs - days * DAY) / SECOND) * SECOND;
  const origin = Math.floor((start + BEIJING) / DAY) * DAY - BEIJING;
  const gridDays = Math.max(1, Math.ceil((last - origin) / DAY));
  const weights: number[] = [];
  const promo: boolean[] = [];
  for (let day = 0; day < gridDays; day++) {
    const date = new Date(origin + day * DAY + BEIJING);
    const md = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
    weights.push(shoppingWeight(md, date.getUTCDay()));
    promo.push((md >= 531 && md <= 618) || (md >= 1020 && md <= 1111) || md === 1212 || md === 308);
  }
  return { start, end: last, origin, days: gridDays, shoppingDays: cumulative(weights), promo };
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

export function wholeSecond(t: number): number {
  return Math.floor(t / SECOND) * SECOND;
}

/** `t` to a whole second inside the window. */
export function clamp(tl: Timeline, t: number): number {
  return Math.min(tl.end, Math.max(tl.start, wholeSecond(t)));
}

export function dayOf(tl: Timeline, t: number): number {
  return Math.floor((t - tl.origin) / DAY);
}

/** A moment on grid day `day`, at an hour drawn from `hours`. */
export function atHour(tl: Timeline, rng: Rng, day: number, hours: Float64Array): number {
  return clamp(tl, tl.origin + day * DAY + drawIndex(hours, rng) * HOUR + rng.int(3600) * SECOND);
}

export function ymd(tl: Timeline, day: number): string {
  return new Date(tl.origin + day * DAY + BEIJING).toISOString().slice(0, 10).replaceAll('-', '');
}

/** ISO 8601 with the Beijing offset, the way Chinese shops export their timestamps. */
function isoBeijing(t: number): string {
  return `${new Date(t + BEIJING).toISOString().slice(0, 19)}+08:00`;
}

export function emit(
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

/** Event ids numbered per prefix in the order they are asked for: msg-1, msg-2, … */
export function numbering(): (prefix: string) => string {
  const counts = new Map<string, number>();
  return (prefix) => {
    const n = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, n);
    return `${prefix}-${n}`;
  };
}
