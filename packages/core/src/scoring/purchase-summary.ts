/**
 * Per-customer purchase summaries, exactly as the peers define them (cdnow/SOURCE.md, "Exact
 * definitions of the peers' columns"). Pure: one customer's purchases in, one row out; no I/O.
 *
 * Every function takes an explicit end day. The peers default it to the latest transaction *of the
 * whole data set*, which one customer's purchases cannot know. A customer with no purchase on or
 * before the end gets `null` — the peers leave such customers out. Money stays in integer minor units:
 * sums are exact integers, means are `sum / count` (fractional minor units), and the only rounding,
 * Fader–Hardie's, is exact decimal half-up on integers.
 */
import { type CalendarDay, epochDay } from './calendar-day.ts';
import { divideRoundHalfUp } from './decimal-round.ts';
import {
  groupByPeriod,
  inUnits,
  type Purchase,
  type PurchasePeriod,
  type PurchaseRow,
  parsePurchases,
  periodStart,
  type TimeUnit,
} from './purchase-periods.ts';

export type { MergedDay, Purchase, TimeUnit } from './purchase-periods.ts';
export { mergeSameDay } from './purchase-periods.ts';

/** lifetimes `summary_data_from_transaction_data` (= pymc-marketing `rfm_summary`) for one customer. */
export type LifetimesSummary = {
  /** Repeat periods: periods with a purchase − 1. */
  readonly frequency: number;
  /** Age at the last purchase: last period start − first period start (0 for a one-period customer). */
  readonly recency: number;
  /** Age at the end of observation: end's period start − first period start. */
  readonly T: number;
  /** Mean spend of the repeat periods (first period excluded), minor units; 0 when frequency is 0. */
  readonly monetaryValue: number;
  /** Total spend of the repeat periods, minor units — the exact numerator of `monetaryValue`. */
  readonly repeatSpend: number;
};

/** The classic RFM row: pymc-marketing `rfm_summary(include_first_transaction=True)`. */
export type ClassicRfm = {
  /** Periods with a purchase (the first one included). */
  readonly frequency: number;
  /** Time since the last purchase: T − age at the last purchase. */
  readonly recency: number;
  /** Mean spend per purchase period over all periods, minor units. */
  readonly monetaryValue: number;
  /** Total spend, minor units. */
  readonly totalSpend: number;
};

export type SummaryOptions = { readonly end: CalendarDay; readonly unit?: TimeUnit };

type Observed = {
  readonly periods: readonly PurchasePeriod[];
  readonly first: PurchasePeriod;
  readonly last: PurchasePeriod;
  readonly endStart: number;
};

/** Steps 1–3 of lifetimes: floor the end and every date to their period, drop later periods, merge. */
function observe(rows: readonly PurchaseRow[], end: number, unit: TimeUnit): Observed | null {
  const endStart = periodStart(end, unit);
  const periods = groupByPeriod(rows, unit, endStart);
  const first = periods[0];
  const last = periods[periods.length - 1];
  return first === undefined || last === undefined ? null : { periods, first, last, endStart };
}

function summarise(observed: Observed | null, unit: TimeUnit): LifetimesSummary | null {
  if (observed === null) {
    return null;
  }
  const { periods, first, last, endStart } = observed;
  const frequency = periods.length - 1;
  const repeatSpend = periods.reduce((sum, p) => sum + p.amount, 0) - first.amount;
  return {
    frequency,
    recency: inUnits(last.start - first.start, unit),
    T: inUnits(endStart - first.start, unit),
    monetaryValue: frequency === 0 ? 0 : repeatSpend / frequency,
    repeatSpend,
  };
}

/** lifetimes `summary_data_from_transaction_data(..., observation_period_end=end, freq)`. */
export function lifetimesSummary(
  purchases: readonly Purchase[],
  options: SummaryOptions,
): LifetimesSummary | null {
  const unit = options.unit ?? 'days';
  return summarise(observe(parsePurchases(purchases), epochDay(options.end), unit), unit);
}

/**
 * The classic RFM row, as pymc-marketing `rfm_summary(include_first_transaction=True)` returns it:
 * frequency counts purchase periods (not rows — R's `rfm` package counts rows), recency is the time
 * since the last purchase (not lifetimes' age at it), monetary is the mean over all periods.
 */
export function classicRfm(purchases: readonly Purchase[], options: SummaryOptions): ClassicRfm | null {
  const unit = options.unit ?? 'days';
  const observed = observe(parsePurchases(purchases), epochDay(options.end), unit);
  if (observed === null) {
    return null;
  }
  const { periods, first, last, endStart } = observed;
  const totalSpend = periods.reduce((sum, p) => sum + p.amount, 0);
  return {
    frequency: periods.length,
    // pymc subtracts its two float columns, T − recency; do the same so weeks agree to the last bit.
    recency: inUnits(endStart - first.start, unit) - inUnits(last.start - first.start, unit),
    monetaryValue: totalSpend / periods.length,
    totalSpend,
  };
}

/** lifetimes `calibration_and_holdout_data` for one customer (pymc `rfm_train_test_split` alike). */
export type CalibrationHoldout = {
  readonly frequencyCal: number;
  readonly recencyCal: number;
  readonly TCal: number;
  readonly monetaryValueCal: number;
  readonly repeatSpendCal: number;
  /** Distinct periods with a purchase in the holdout (calibrationEnd, observationEnd]. */
  readonly frequencyHoldout: number;
  /** Mean holdout spend in minor units, 0 without holdout purchases; per row or per period, see options. */
  readonly monetaryValueHoldout: number;
  /** Total holdout spend, minor units. */
  readonly spendHoldout: number;
  /** Observation end's period start − calibration end's period start, in the unit. */
  readonly durationHoldout: number;
};

export type CalibrationHoldoutOptions = {
  readonly calibrationEnd: CalendarDay;
  readonly observationEnd: CalendarDay;
  readonly unit?: TimeUnit;
  /**
   * What `monetaryValueHoldout` averages over. `rows` (default): lifetimes, the mean of the raw holdout
   * rows — two purchases on one day count twice. `periods`: pymc-marketing `rfm_train_test_split`'s
   * `test_monetary_value`, the mean of per-period sums.
   */
  readonly holdoutMonetary?: 'rows' | 'periods';
};

/**
 * Calibration rows are those whose *day* is on or before `calibrationEnd` — lifetimes compares the raw
 * datetimes, not periods, so with pandas weeks a purchase later in the calibration end's week is holdout.
 * The calibration rows are then summarised with the end `calibrationEnd`. Holdout rows lie in
 * (calibrationEnd, observationEnd]. `null` when the customer bought nothing by `calibrationEnd`.
 */
export function calibrationAndHoldout(
  purchases: readonly Purchase[],
  options: CalibrationHoldoutOptions,
): CalibrationHoldout | null {
  const unit = options.unit ?? 'days';
  const calibrationEnd = epochDay(options.calibrationEnd);
  const observationEnd = epochDay(options.observationEnd);
  if (observationEnd < calibrationEnd) {
    throw new RangeError(
      `observation end ${options.observationEnd} precedes calibration end ${options.calibrationEnd}`,
    );
  }
  const rows = parsePurchases(purchases);
  const calibration = summarise(
    observe(
      rows.filter((r) => r.day <= calibrationEnd),
      calibrationEnd,
      unit,
    ),
    unit,
  );
  if (calibration === null) {
    return null;
  }
  const holdoutRows = rows.filter((r) => r.day > calibrationEnd && r.day <= observationEnd);
  const holdoutPeriods = groupByPeriod(holdoutRows, unit, Number.POSITIVE_INFINITY);
  const spendHoldout = holdoutRows.reduce((sum, r) => sum + r.amount, 0);
  const divisor = options.holdoutMonetary === 'periods' ? holdoutPeriods.length : holdoutRows.length;
  return {
    frequencyCal: calibration.frequency,
    recencyCal: calibration.recency,
    TCal: calibration.T,
    monetaryValueCal: calibration.monetaryValue,
    repeatSpendCal: calibration.repeatSpend,
    frequencyHoldout: holdoutPeriods.length,
    monetaryValueHoldout: divisor === 0 ? 0 : spendHoldout / divisor,
    spendHoldout,
    durationHoldout: inUnits(periodStart(observationEnd, unit) - periodStart(calibrationEnd, unit), unit),
  };
}

/**
 * Fader & Hardie's calibration summary (the published `cdnow_customers_summary_with_transactions.csv`),
 * in weeks of 7 days, each figure rounded half-up on its exact decimal value:
 * `tX` and `T` in hundredths of a week, `zbar` in whole minor units (= 2 dp of the major unit).
 */
export type FaderHardieSummary = {
  /** Repeat purchase days in the calibration period. */
  readonly x: number;
  /** Age at the last purchase, hundredths of a week (3043 = 30.43 weeks). */
  readonly tXHundredths: number;
  /** Age at the calibration end, hundredths of a week. */
  readonly THundredths: number;
  /** Mean spend of the repeat days, minor units rounded half-up (0 when x = 0). */
  readonly zbar: number;
};

export function faderHardieSummary(
  purchases: readonly Purchase[],
  options: { readonly calibrationEnd: CalendarDay },
): FaderHardieSummary | null {
  const end = epochDay(options.calibrationEnd);
  const days = summarise(observe(parsePurchases(purchases), end, 'days'), 'days');
  if (days === null) {
    return null;
  }
  return {
    x: days.frequency,
    tXHundredths: divideRoundHalfUp(days.recency * 100, 7),
    THundredths: divideRoundHalfUp(days.T * 100, 7),
    zbar: days.frequency === 0 ? 0 : divideRoundHalfUp(days.repeatSpend, days.frequency),
  };
}
