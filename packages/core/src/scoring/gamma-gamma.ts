/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee, "RFM and CLV: Using Iso-Value
 * Curves for Customer Base Analysis", JMR 2005; Fader & Hardie's note "The Gamma-Gamma Model of
 * Monetary Value", 2013): each purchase of a customer is Gamma(p, ν) with ν ~ Gamma(q, v) across
 * customers, independent of the purchase process. Fitted on customers with repeat purchases only — the
 * first purchase is excluded from the mean (lifetimes' `monetary_value`) and x = 0 carries no spend.
 *
 * Money is in whatever unit the means are in: v has that unit (CDNOW in dollars: v ≈ 15.4 dollars;
 * Hatchery's summaries are in minor units, fen or cents, which scales v by 100 and nothing else).
 */

import type { ValueAndGradient } from './bfgs.ts';
import type { BgNbdParams, CustomerHistory } from './bg-nbd.ts';
import { expectedPurchasesIfAlive, probabilityAlive } from './bg-nbd.ts';
import { type Grouped, groupRows, type Weighted } from './customer-groups.ts';
import { fitLogParameters } from './fit-log-parameters.ts';
import type { TimeUnit } from './purchase-periods.ts';
import { digamma, logGamma } from './special-functions.ts';

export type GammaGammaParams = {
  /** Shape of the per-purchase spend Gamma. */
  readonly p: number;
  /** Shape of the across-customer Gamma of the per-purchase scale ν. */
  readonly q: number;
  /** Scale of that Gamma, in money units. */
  readonly v: number;
};

export type SpendHistory = {
  /** Repeat purchases x. */
  readonly frequency: number;
  /** Mean spend of the repeat purchases m̄ (first purchase excluded), in money units. */
  readonly monetaryValue: number;
};

export type GammaGammaRow = SpendHistory & Weighted;

export type GammaGammaFit = {
  readonly params: GammaGammaParams;
  /** Total log-likelihood at the optimum, over the customers used. */
  readonly logLikelihood: number;
  /** Customers used: those with frequency > 0 and a positive mean spend. */
  readonly customers: number;
  readonly groups: number;
  readonly evaluations: number;
  readonly converged: boolean;
};

/**
 * ln f(m̄ | p, q, v, x) of one customer with x > 0 repeat purchases averaging m̄ > 0:
 *   ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln v + (px − 1) ln m̄ + px ln x − (px + q) ln(v + x m̄).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  if (!(Number.isInteger(x) && x > 0 && m > 0)) {
    throw new RangeError(`Gamma-Gamma needs x > 0 repeat purchases with a positive mean: ${x}, ${m}`);
  }
  const { p, q, v } = params;
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(v) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(v + x * m)
  );
}

type Columns = 'x' | 'm';

/**
 * The customers the model can use, folded into distinct (x, m̄). x = 0 has no repeat spend; m̄ = 0 (every
 * repeat purchase free — CDNOW has $0 rows) is outside the Gamma's support, where ln m̄ is −∞.
 */
export function groupSpends(rows: readonly GammaGammaRow[]): Grouped<Columns> {
  const usable = rows.filter((row) => row.frequency > 0 && row.monetaryValue > 0);
  return groupRows(usable, ['x', 'm'], (row) => {
    if (!Number.isInteger(row.frequency) || !Number.isFinite(row.monetaryValue)) {
      throw new RangeError(`not a spend history: ${row.frequency}, ${row.monetaryValue}`);
    }
    return [row.frequency, row.monetaryValue];
  });
}

/**
 * Mean negative log-likelihood and its gradient as functions of ln(p, q, v): the Γ and ψ terms and
 * px ln x per distinct x, ln m̄ precomputed, so each evaluation costs one log per distinct customer.
 */
export function gammaGammaObjective(grouped: Grouped<Columns>): ValueAndGradient {
  const { weights, totalWeight, columns } = grouped;
  const xs = columns.x.values;
  const ms = columns.m.values;
  const logMs = ms.map(Math.log);
  const logXs = xs.map(Math.log);
  const perX = new Float64Array(xs.length);
  const dPerX = new Float64Array(xs.length);
  const dQPerX = new Float64Array(xs.length);
  const xIndex = columns.x.index;
  const mIndex = columns.m.index;
  return (logParams) => {
    const [p = 0, q = 0, v = 0] = logParams.map(Math.exp);
    const logV = Math.log(v);
    const constant = q * logV - logGamma(q);
    const dQConstant = logV - digamma(q);
    for (let k = 0; k < xs.length; k += 1) {
      const x = xs[k] ?? 0;
      const px = p * x;
      const psiPxQ = digamma(px + q);
      perX[k] = constant + logGamma(px + q) - logGamma(px) + px * (logXs[k] ?? 0);
      dPerX[k] = x * (psiPxQ - digamma(px) + (logXs[k] ?? 0));
      dQPerX[k] = dQConstant + psiPxQ;
    }
    let ll = 0;
    let dP = 0;
    let dQ = 0;
    let dV = 0;
    for (let g = 0; g < weights.length; g += 1) {
      const w = weights[g] ?? 0;
      const k = xIndex[g] ?? 0;
      const j = mIndex[g] ?? 0;
      const x = xs[k] ?? 0;
      const px = p * x;
      const logM = logMs[j] ?? 0;
      const total = v + x * (ms[j] ?? 0);
      const logTotal = Math.log(total);
      ll += w * ((perX[k] ?? 0) + (px - 1) * logM - (px + q) * logTotal);
      dP += w * ((dPerX[k] ?? 0) + x * (logM - logTotal));
      dQ += w * ((dQPerX[k] ?? 0) - logTotal);
      dV += w * (q / v - (px + q) / total);
    }
    const scale = -1 / totalWeight;
    return { value: ll * scale, gradient: [dP * p * scale, dQ * q * scale, dV * v * scale] };
  };
}

/**
 * Maximum-likelihood Gamma-Gamma parameters over the rows with frequency > 0 (the others are skipped,
 * so the whole customer table can be passed). Searches ln(p, q, v) from p = q = 1, v = the mean m̄.
 */
export function fitGammaGamma(rows: readonly GammaGammaRow[]): GammaGammaFit {
  const grouped = groupSpends(rows);
  if (grouped.totalWeight === 0) {
    throw new RangeError('fitGammaGamma needs at least one customer with a repeat purchase');
  }
  let meanM = 0;
  grouped.columns.m.index.forEach((j, g) => {
    meanM += ((grouped.columns.m.values[j] ?? 0) * (grouped.weights[g] ?? 0)) / grouped.totalWeight;
  });
  const best = fitLogParameters(gammaGammaObjective(grouped), [0, 0, Math.log(meanM)]);
  const [p = 0, q = 0, v = 0] = best.x.map(Math.exp);
  return {
    params: { p, q, v },
    logLikelihood: -best.value * grouped.totalWeight,
    customers: grouped.totalWeight,
    groups: grouped.weights.length,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}

/**
 * E[spend per purchase | x, m̄]: the credibility-weighted blend of the population mean pv / (q − 1) and
 * the customer's own m̄, with weight px / (px + q − 1) on m̄. Also defined for x = 0 (the population
 * mean), which is what a customer without repeat purchases is expected to spend. Needs q > 1: for
 * q ≤ 1 the population mean is infinite.
 */
export function conditionalExpectedAverageSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  if (!(q > 1)) {
    throw new RangeError(`q must exceed 1 for the mean spend to exist: ${q}`);
  }
  const weight = (p * x) / (p * x + q - 1);
  return (1 - weight) * ((p * v) / (q - 1)) + weight * m;
}

/**
 * Model time units per month, as lifetimes' `customer_lifetime_value` has them (`freq` 'D' → 30,
 * 'W' → 4.345): a month is 30 days, or 4.345 weeks (365.25 / 12 / 7 ≈ 4.348, rounded as lifetimes does).
 */
export const UNITS_PER_MONTH: Readonly<Record<TimeUnit, number>> = {
  days: 30,
  weeks: 4.345,
  'pandas-weeks': 4.345,
};

export type LifetimeValueOptions = {
  /** Time unit of the BG/NBD fit (its α and the customer's recency and T). */
  readonly unit: TimeUnit;
  /** Horizon in months; default 12. */
  readonly months?: number;
  /** Discount rate per month; default 0.01 (lifetimes' default, ≈ 12.7 % a year). */
  readonly monthlyDiscountRate?: number;
};

/**
 * Expected discounted value of a customer's purchases over the next `months` months — lifetimes'
 * `customer_lifetime_value`: for each month i = 1…months, the BG/NBD expected purchases in that month
 * (the conditional expectation at i months minus at i − 1 months) times the Gamma-Gamma expected spend,
 * discounted by (1 + monthlyDiscountRate)^i, i.e. as if the month's purchases were paid at its end.
 * In the money unit of the Gamma-Gamma fit. It is computed as expected spend × P(alive) ×
 * `discountedPurchasesIfAlive`, the factors scoring computes in SQL (scores.queries.ts).
 */
export function customerLifetimeValue(
  purchases: BgNbdParams,
  spend: GammaGammaParams,
  customer: CustomerHistory & SpendHistory,
  options: LifetimeValueOptions,
): number {
  const { frequency: x, recency, T, monetaryValue } = customer;
  return (
    conditionalExpectedAverageSpend(spend, x, monetaryValue) *
    probabilityAlive(purchases, x, recency, T) *
    discountedPurchasesIfAlive(purchases, x, T, options)
  );
}

/**
 * The discounted sum over months of the purchases expected in each of a customer known to be alive:
 * the part of the lifetime value that depends on the history only through x and T (the conditional
 * expectation is this numerator times P(alive), which does not depend on the horizon).
 */
export function discountedPurchasesIfAlive(
  purchases: BgNbdParams,
  x: number,
  T: number,
  options: LifetimeValueOptions,
): number {
  const { months = 12, monthlyDiscountRate = 0.01 } = options;
  const unitsPerMonth = UNITS_PER_MONTH[options.unit];
  let value = 0;
  let before = 0;
  for (let month = 1; month <= months; month += 1) {
    const upTo = expectedPurchasesIfAlive(purchases, month * unitsPerMonth, x, T);
    value += (upTo - before) / (1 + monthlyDiscountRate) ** month;
    before = upTo;
  }
  return value;
}
