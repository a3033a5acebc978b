/**
 * A customer's purchases grouped into periods (days or pandas weeks) — the step every peer takes
 * before counting: lifetimes, pymc-marketing, BTYD(plus) and Fader–Hardie all treat the purchases of
 * one period as one transaction with the amounts summed (cdnow/SOURCE.md; CDNOW has 2,068 such rows).
 */
import { type CalendarDay, epochDay, formatEpochDay, pandasWeekStart } from './calendar-day.ts';

/**
 * One purchase of one customer. `amount` is in integer minor units (fen, cents), net of refunds:
 * a refund belongs on the day of the order it refunds, so that the day's sum is what was kept.
 * Zero amounts still count as a purchase day (the peers count CDNOW's 80 $0 rows).
 */
export type Purchase = { readonly day: CalendarDay; readonly amount: number };

/**
 * - `days`: lifetimes `freq='D'`, pymc-marketing `time_unit='D'` — whole days.
 * - `weeks`: days ÷ 7 (lifetimes `freq='D', freq_multiplier=7`; BTYD/BTYDplus `units='week'`; Fader–Hardie).
 *   Periods are still days: two purchases six days apart are two transactions.
 * - `pandas-weeks`: lifetimes `freq='W'`, pymc `time_unit='W'` — pandas W-SUN periods (Monday to Sunday);
 *   purchases in the same such week are one transaction and ages are whole weeks between period starts.
 */
export type TimeUnit = 'days' | 'weeks' | 'pandas-weeks';

/** A period with at least one purchase: its first day (epoch day), the summed amount and the number of rows. */
export type PurchasePeriod = { readonly start: number; readonly amount: number; readonly rows: number };

/** A purchase parsed once: epoch day and amount. */
export type PurchaseRow = { readonly day: number; readonly amount: number };

export function parsePurchases(purchases: readonly Purchase[]): PurchaseRow[] {
  return purchases.map((p) => {
    if (!Number.isSafeInteger(p.amount)) {
      throw new RangeError(`purchase amount must be an integer in minor units: ${p.amount}`);
    }
    return { day: epochDay(p.day), amount: p.amount };
  });
}

/** The start of the period holding an epoch day. */
export function periodStart(day: number, unit: TimeUnit): number {
  return unit === 'pandas-weeks' ? pandasWeekStart(day) : day;
}

/** A span between two period starts, in days, expressed in the unit (the peers' ÷ 1 or ÷ 7 on a float). */
export function inUnits(days: number, unit: TimeUnit): number {
  return unit === 'days' ? days : days / 7;
}

/**
 * Rows grouped by period, oldest first, keeping only periods that start on or before `lastPeriodStart`
 * (lifetimes floors both the dates and the observation end to their period before comparing, so with
 * pandas weeks a purchase later in the end's week still counts). Input order does not matter.
 */
export function groupByPeriod(
  rows: readonly PurchaseRow[],
  unit: TimeUnit,
  lastPeriodStart: number,
): PurchasePeriod[] {
  const byStart = new Map<number, { amount: number; rows: number }>();
  for (const row of rows) {
    const start = periodStart(row.day, unit);
    if (start > lastPeriodStart) {
      continue;
    }
    const period = byStart.get(start);
    if (period === undefined) {
      byStart.set(start, { amount: row.amount, rows: 1 });
    } else {
      period.amount += row.amount;
      period.rows += 1;
    }
  }
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { amount, rows: count }]) => ({ start, amount, rows: count }));
}

/** A calendar day with its purchases merged: the summed amount and how many rows were merged. */
export type MergedDay = { readonly day: CalendarDay; readonly amount: number; readonly rows: number };

/** A customer's purchase days, oldest first, with same-day purchases merged (spend summed). */
export function mergeSameDay(purchases: readonly Purchase[]): MergedDay[] {
  return groupByPeriod(parsePurchases(purchases), 'days', Number.POSITIVE_INFINITY).map((p) => ({
    day: formatEpochDay(p.start),
    amount: p.amount,
    rows: p.rows,
  }));
}
