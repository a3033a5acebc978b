/**
 * Peer mode: the R package rfm (rsquaredacademy/rfm) — `rfm_table_order` and `rfm_segment` with the
 * README's segment table — reproduced exactly so that its output on CDNOW can be asserted customer by
 * customer (cdnow/SOURCE.md). Not Hatchery's rule (rfm-scores.ts); proof that we read the peer right.
 *
 * The peer, step by step:
 * 1. per customer: `recency_days` = analysis date − last order date, `transaction_count` = order ROWS
 *    (two orders on one day count twice), `amount` = total revenue;
 * 2. breakpoints b1…b4 = R `quantile(x, seq(0, 1, length.out = 6))` (type 7) without the 0 and 1
 *    quantiles, **plus 1** — in the value's own unit, so amounts must be in the peer's unit (dollars);
 * 3. intervals [lower, upper) with lower = (min, b1…b4), upper = (b1…b4, max + 1); frequency and
 *    monetary score the interval's position 1…5, recency 5…1; breakpoints may coincide, leaving an
 *    empty interval and an unused score (CDNOW: no customer scores f = 2);
 * 4. `rfm_score` = 100 r + 10 f + m; the segment is the first row of the README table whose inclusive
 *    ranges hold all three scores, else "Others" — exactly a Hatchery group table (rfm-group-table.ts).
 */
import { epochDay } from './calendar-day.ts';
import type { Purchase } from './purchase-summary.ts';
import { type GroupTable, groupTable } from './rfm-group-table.ts';

/** R `seq(0, 1, length.out = bins + 1)`: c(from, from + seq_len(n1 − 1) × ((to − from) / n1), to). */
export function rSeqProbs(bins: number): number[] {
  const by = 1 / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === 0 ? 0 : i === bins ? 1 : 0 + i * by));
}

/**
 * R `quantile(x, probs, type = 7)` on ascending `sorted`, with R's own arithmetic: index = 1 + (n − 1)p,
 * and only when the neighbours differ (1 − h)·x[lo] + h·x[hi] — not x[lo] + h·(x[hi] − x[lo]).
 */
export function rQuantileType7(sorted: readonly number[], probs: readonly number[]): number[] {
  const n = sorted.length;
  if (n === 0) {
    throw new RangeError('the quantile of no values');
  }
  return probs.map((p) => {
    const index = 1 + Math.max(n - 1, 0) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const low = sorted[lo - 1] ?? Number.NaN;
    const high = sorted[hi - 1] ?? Number.NaN;
    if (index > lo && high !== low) {
      const h = index - lo;
      return (1 - h) * low + h * high;
    }
    return low;
  });
}

/** One customer's row as `rfm_table_order` builds it; `amount` in the peer's unit (dollars). */
export type RRfmRow = {
  readonly recencyDays: number;
  readonly transactionCount: number;
  readonly amount: number;
};

/**
 * A customer's `rfm_table_order` row from their order rows (not merged by day: R counts rows). R sees
 * each amount as a double of the major unit (here minor units ÷ `minorPerMajor`, the same double as
 * parsing '15.36') and `sum()` adds them in long double, which for such amounts is the exact sum of the
 * doubles rounded once — not the decimal sum: CDNOW customer 502's $15.36 + $16.99 is
 * 32.349999999999994 in R, below the 32.35 breakpoint, and scores m = 2, not 3. All rows are used (R
 * has no window): pass only the rows up to the analysis date.
 */
export function rRfmRow(purchases: readonly Purchase[], analysisDate: string, minorPerMajor = 100): RRfmRow {
  if (purchases.length === 0) {
    throw new RangeError('a customer in rfm_table_order has at least one order');
  }
  let last = Number.NEGATIVE_INFINITY;
  for (const p of purchases) {
    last = Math.max(last, epochDay(p.day));
  }
  return {
    recencyDays: epochDay(analysisDate) - last,
    transactionCount: purchases.length,
    amount: exactSum(purchases.map((p) => p.amount / minorPerMajor)),
  };
}

/**
 * The sum of doubles, exactly, rounded once to the nearest double (ties to even): Shewchuk's
 * partials with the final correction of Python's `math.fsum`. Stands in for R's long-double `sum()`.
 */
export function exactSum(values: readonly number[]): number {
  const partials: number[] = [];
  for (const value of values) {
    let x = value;
    let kept = 0;
    for (const partial of partials) {
      let y = partial;
      if (Math.abs(x) < Math.abs(y)) {
        [x, y] = [y, x];
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) {
        partials[kept] = lo;
        kept += 1;
      }
      x = hi;
    }
    partials.length = kept;
    partials.push(x);
  }
  let n = partials.length;
  if (n === 0) {
    return 0;
  }
  n -= 1;
  let hi = partials[n] ?? 0;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    n -= 1;
    const y = partials[n] ?? 0;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) {
      break;
    }
  }
  // Round half to even across the remaining partials: if the rest pushes lo past the halfway point.
  const next = partials[n - 1] ?? 0;
  if (n > 0 && ((lo < 0 && next < 0) || (lo > 0 && next > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) {
      hi = x;
    }
  }
  return hi;
}

/** The `threshold` tibble of one measure: interval i is [lower[i], upper[i]). */
export type RThresholds = { readonly lower: number[]; readonly upper: number[] };

export type RRfmTable = {
  readonly thresholds: {
    readonly recency: RThresholds;
    readonly frequency: RThresholds;
    readonly monetary: RThresholds;
  };
  /** Per input row, same order. */
  readonly customers: {
    readonly recencyScore: number;
    readonly frequencyScore: number;
    readonly monetaryScore: number;
    readonly rfmScore: number;
  }[];
};

function thresholds(values: readonly number[], bins: number): RThresholds {
  const sorted = [...values].sort((a, b) => a - b);
  const breaks = rQuantileType7(sorted, rSeqProbs(bins).slice(1, -1)).map((q) => q + 1);
  const min = sorted[0] ?? Number.NaN;
  const max = sorted[sorted.length - 1] ?? Number.NaN;
  return { lower: [min, ...breaks], upper: [...breaks, max + 1] };
}

/** The position (1-based) of the interval holding the value; like R's loop, a later interval wins. */
function intervalOf(t: RThresholds, value: number): number {
  let found = 0;
  t.lower.forEach((lower, i) => {
    if (value >= lower && value < (t.upper[i] ?? Number.NaN)) {
      found = i + 1;
    }
  });
  if (found === 0) {
    throw new Error(`unreachable: ${value} lies in no interval`);
  }
  return found;
}

/** `rfm_table_order(data, …, analysis_date, recency_bins = bins, frequency_bins = bins, monetary_bins = bins)`. */
export function rRfmTableOrder(rows: readonly RRfmRow[], bins = 5): RRfmTable {
  if (rows.length === 0) {
    throw new RangeError('rfm_table_order needs at least one customer');
  }
  const recency = thresholds(
    rows.map((row) => row.recencyDays),
    bins,
  );
  const frequency = thresholds(
    rows.map((row) => row.transactionCount),
    bins,
  );
  const monetary = thresholds(
    rows.map((row) => row.amount),
    bins,
  );
  return {
    thresholds: { recency, frequency, monetary },
    customers: rows.map((row) => {
      const recencyScore = bins + 1 - intervalOf(recency, row.recencyDays);
      const frequencyScore = intervalOf(frequency, row.transactionCount);
      const monetaryScore = intervalOf(monetary, row.amount);
      return {
        recencyScore,
        frequencyScore,
        monetaryScore,
        rfmScore: 100 * recencyScore + 10 * frequencyScore + monetaryScore,
      };
    }),
  };
}

function range(min: number, max: number): { min: number; max: number } {
  return { min, max };
}

/** The README segment table of the rfm package, as a Hatchery group table (English names are R's). */
export const R_RFM_README_SEGMENTS: GroupTable = groupTable({
  groups: [
    {
      code: 'champions',
      names: { zh: '冠军客户', en: 'Champions' },
      r: range(5, 5),
      f: range(5, 5),
      m: range(5, 5),
    },
    {
      code: 'potential_loyalist',
      names: { zh: '潜在忠诚客户', en: 'Potential Loyalist' },
      r: range(3, 5),
      f: range(3, 5),
      m: range(2, 5),
    },
    {
      code: 'loyal_customers',
      names: { zh: '忠诚客户', en: 'Loyal Customers' },
      r: range(2, 4),
      f: range(2, 4),
      m: range(2, 4),
    },
    {
      code: 'promising',
      names: { zh: '有潜力客户', en: 'Promising' },
      r: range(3, 4),
      f: range(1, 3),
      m: range(3, 5),
    },
    {
      code: 'new_customers',
      names: { zh: '新客户', en: 'New Customers' },
      r: range(4, 5),
      f: range(1, 3),
      m: range(1, 5),
    },
    {
      code: 'cant_lose_them',
      names: { zh: '不能失去的客户', en: "Can't Lose Them" },
      r: range(1, 2),
      f: range(3, 4),
      m: range(4, 5),
    },
    {
      code: 'at_risk',
      names: { zh: '有流失风险', en: 'At Risk' },
      r: range(1, 2),
      f: range(2, 5),
      m: range(4, 5),
    },
    {
      code: 'need_attention',
      names: { zh: '需要关注', en: 'Need Attention' },
      r: range(1, 3),
      f: range(3, 5),
      m: range(3, 5),
    },
    {
      code: 'about_to_sleep',
      names: { zh: '即将沉睡', en: 'About To Sleep' },
      r: range(2, 3),
      f: range(1, 3),
      m: range(1, 4),
    },
    { code: 'lost', names: { zh: '已流失', en: 'Lost' }, r: range(1, 1), f: range(1, 5), m: range(1, 5) },
  ],
  fallback: { code: 'others', names: { zh: '其他', en: 'Others' } },
});
