/**
 * Calendar days as integers. The value engine works on calendar days in the brand's time zone
 * ('YYYY-MM-DD'), never on instants: the peers (lifetimes, pymc-marketing, BTYD, Fader–Hardie) all
 * count whole days, and a timestamp late on the calibration-end day would otherwise fall out of the
 * calibration period (lifetimes compares raw datetimes with the end at 00:00 — cdnow/SOURCE.md).
 * Converting an order's instant to the brand's local day is the caller's job.
 */

/** A calendar day written 'YYYY-MM-DD' (ISO 8601, no time, no zone). */
export type CalendarDay = string;

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 (an "epoch day"); rejects malformed and impossible dates such as 2015-02-30. */
export function epochDay(day: CalendarDay): number {
  const match = ISO_DAY.exec(day);
  if (match === null) {
    throw new RangeError(`not a calendar day 'YYYY-MM-DD': ${JSON.stringify(day)}`);
  }
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const result = ms / MS_PER_DAY;
  if (formatEpochDay(result) !== day) {
    throw new RangeError(`no such calendar day: ${day}`);
  }
  return result;
}

/** The inverse of {@link epochDay}. */
export function formatEpochDay(day: number): CalendarDay {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The Monday that starts the pandas `W` (= `W-SUN`) period holding this epoch day: pandas weeks run
 * Monday to Sunday and are labelled by their Sunday, so 2015-01-01 (a Thursday) is in 2014-12-29/2015-01-04.
 * 1970-01-01 was a Thursday, hence the +3.
 */
export function pandasWeekStart(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** The epoch day an instant falls on in a time zone (a workspace's business day). */
export function businessDay(at: Date, timeZone: string): number {
  // en-CA formats dates as YYYY-MM-DD.
  return epochDay(new Intl.DateTimeFormat('en-CA', { timeZone }).format(at));
}

/**
 * The first instant of an epoch day in a time zone: the least instant whose business day is
 * `day`. Found by bisection (to the millisecond) within the ±15 h any zone's offset stays in, so
 * that days which start at 01:00 after a daylight-saving jump are right too.
 */
export function startOfBusinessDay(day: number, timeZone: string): Date {
  let lo = day * MS_PER_DAY - 15 * 3_600_000;
  let hi = day * MS_PER_DAY + 15 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (businessDay(new Date(mid), timeZone) >= day) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return new Date(hi);
}
