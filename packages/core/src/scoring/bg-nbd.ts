/**
 * The BG/NBD buy-'til-you-die model (Fader, Hardie & Lee, "Counting Your Customers the Easy Way",
 * Marketing Science 2005): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
 * after each purchase they die with probability p ~ Beta(a, b). Fitted by maximum likelihood on each
 * customer's (frequency x, recency t_x, age T) — the lifetimes summary of `purchase-summary.ts`.
 *
 * Time is in whatever unit the summaries use (days or weeks): α and every t, t_x, T share it, and a
 * fit's α is in that unit (CDNOW in weeks: α ≈ 4.41 weeks). Pure: no I/O.
 */

import type { ValueAndGradient } from './bfgs.ts';
import { type Grouped, groupRows, type Weighted } from './customer-groups.ts';
import { fitLogParameters } from './fit-log-parameters.ts';
import { digamma, hyp2f1, logGamma } from './special-functions.ts';

export type BgNbdParams = {
  /** Shape of the purchase-rate Gamma. */
  readonly r: number;
  /** Scale of the purchase-rate Gamma, in the time unit of the data (rate λ has mean r / α per unit). */
  readonly alpha: number;
  /** Beta parameters of the drop-out probability after a purchase (mean a / (a + b)). */
  readonly a: number;
  readonly b: number;
};

/** One customer as the model sees them: lifetimes' `frequency`, `recency`, `T` (`LifetimesSummary` fits). */
export type CustomerHistory = {
  /** Repeat purchases x (purchase periods − 1). */
  readonly frequency: number;
  /** Age at the last purchase t_x (0 when x = 0), in the time unit. */
  readonly recency: number;
  /** Age at the end of observation T, in the time unit. */
  readonly T: number;
};

export type BgNbdFit = {
  readonly params: BgNbdParams;
  /** Total log-likelihood at the optimum (sum over customers, counts included). */
  readonly logLikelihood: number;
  readonly customers: number;
  /** Distinct (x, t_x, T) rows the likelihood was evaluated on. */
  readonly groups: number;
  readonly evaluations: number;
  readonly converged: boolean;
};

function checkHistory(x: number, tX: number, T: number): void {
  if (!(Number.isInteger(x) && x >= 0 && tX >= 0 && tX <= T && (x > 0 || tX === 0))) {
    throw new RangeError(`not a customer history: frequency ${x}, recency ${tX}, T ${T}`);
  }
}

/**
 * ln L of one customer, FHL (2005) eq. 6 in the form lifetimes uses: the two terms of the sum are
 * added in log space (log-sum-exp) because each underflows on its own for a frequent buyer,
 *   ln L = A₁ + A₂ + ln(e^A₃ + [x > 0] e^A₄) with
 *   A₁ = ln Γ(r + x) − ln Γ(r) + r ln α,   A₂ = ln Γ(a + b) + ln Γ(b + x) − ln Γ(b) − ln Γ(a + b + x),
 *   A₃ = −(r + x) ln(α + T),   A₄ = ln a − ln(b + x − 1) − (r + x) ln(α + t_x).
 */
export function bgNbdLogLikelihood(params: BgNbdParams, x: number, tX: number, T: number): number {
  checkHistory(x, tX, T);
  const { r, alpha, a, b } = params;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) {
    return a1 + a2 + a3;
  }
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tX);
  return a1 + a2 + logAddExp(a3, a4);
}

export function logAddExp(u: number, v: number): number {
  const high = Math.max(u, v);
  return high + Math.log1p(Math.exp(-Math.abs(u - v)));
}

type Columns = 'x' | 'tX' | 'T';
export type BgNbdRow = CustomerHistory & Weighted;

/** Customers folded into distinct (x, t_x, T) with counts, validated once. */
export function groupHistories(rows: readonly BgNbdRow[]): Grouped<Columns> {
  return groupRows(rows, ['x', 'tX', 'T'], (row) => {
    checkHistory(row.frequency, row.recency, row.T);
    return [row.frequency, row.recency, row.T];
  });
}

/**
 * The mean negative log-likelihood over the grouped customers, and its gradient, as functions of
 * ln(r, α, a, b): the sum of `bgNbdLogLikelihood` rearranged so that each evaluation costs one exp and
 * one log per distinct customer. A₁ and A₂ depend on x alone (summed per distinct x), r ln α on nothing;
 * ln(α + T), ln(α + t_x), ln(b + x − 1) and their reciprocals are taken once per distinct value. The
 * gradient of the log-sum-exp is the softmax-weighted gradient of A₃ and A₄.
 */
export function bgNbdObjective(grouped: Grouped<Columns>): ValueAndGradient {
  const { weights, totalWeight, columns } = grouped;
  const xs = columns.x.values;
  const xWeights = new Float64Array(xs.length);
  columns.x.index.forEach((k, g) => {
    xWeights[k] = (xWeights[k] ?? 0) + (weights[g] ?? 0);
  });
  const Ts = columns.T.values;
  const tXs = columns.tX.values;
  const logAlphaT = new Float64Array(Ts.length);
  const invAlphaT = new Float64Array(Ts.length);
  const logAlphaTx = new Float64Array(tXs.length);
  const invAlphaTx = new Float64Array(tXs.length);
  const logBx = new Float64Array(xs.length);
  const invBx = new Float64Array(xs.length);
  const xIndex = columns.x.index;
  const tIndex = columns.T.index;
  const txIndex = columns.tX.index;
  return (logParams) => {
    const [r = 0, alpha = 0, a = 0, b = 0] = logParams.map(Math.exp);
    const psiR = digamma(r);
    const psiB = digamma(b);
    const psiAB = digamma(a + b);
    const lgR = logGamma(r);
    const lgB = logGamma(b);
    const lgAB = logGamma(a + b);
    const logAlpha = Math.log(alpha);
    let ll = totalWeight * r * logAlpha;
    let dR = totalWeight * logAlpha;
    let dAlpha = (totalWeight * r) / alpha;
    let dA = 0;
    let dB = 0;
    for (let k = 0; k < xs.length; k += 1) {
      const x = xs[k] ?? 0;
      const w = xWeights[k] ?? 0;
      ll += w * (logGamma(r + x) - lgR + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x));
      const psiABx = digamma(a + b + x);
      dR += w * (digamma(r + x) - psiR);
      dA += w * (psiAB - psiABx);
      dB += w * (psiAB + digamma(b + x) - psiB - psiABx);
      logBx[k] = Math.log(b + x - 1);
      invBx[k] = 1 / (b + x - 1);
    }
    for (let j = 0; j < Ts.length; j += 1) {
      logAlphaT[j] = Math.log(alpha + (Ts[j] ?? 0));
      invAlphaT[j] = 1 / (alpha + (Ts[j] ?? 0));
    }
    for (let j = 0; j < tXs.length; j += 1) {
      logAlphaTx[j] = Math.log(alpha + (tXs[j] ?? 0));
      invAlphaTx[j] = 1 / (alpha + (tXs[j] ?? 0));
    }
    const logA = Math.log(a);
    for (let g = 0; g < weights.length; g += 1) {
      const w = weights[g] ?? 0;
      const k = xIndex[g] ?? 0;
      const j = tIndex[g] ?? 0;
      const x = xs[k] ?? 0;
      const rx = r + x;
      const a3 = -rx * (logAlphaT[j] ?? 0);
      if (x === 0) {
        ll += w * a3;
        dR -= w * (logAlphaT[j] ?? 0);
        dAlpha -= w * rx * (invAlphaT[j] ?? 0);
        continue;
      }
      const i = txIndex[g] ?? 0;
      const a4 = logA - (logBx[k] ?? 0) - rx * (logAlphaTx[i] ?? 0);
      // Softmax weight of A₄ in ln(e^A₃ + e^A₄), from the one exp that log-sum-exp needs anyway.
      const e = Math.exp(-Math.abs(a3 - a4));
      const w4 = a4 > a3 ? 1 / (1 + e) : e / (1 + e);
      const w3 = 1 - w4;
      ll += w * (Math.max(a3, a4) + Math.log1p(e));
      dR -= w * (w3 * (logAlphaT[j] ?? 0) + w4 * (logAlphaTx[i] ?? 0));
      dAlpha -= w * rx * (w3 * (invAlphaT[j] ?? 0) + w4 * (invAlphaTx[i] ?? 0));
      dA += (w * w4) / a;
      dB -= w * w4 * (invBx[k] ?? 0);
    }
    // Chain rule into log-parameters: ∂/∂ln θ = θ ∂/∂θ; negated and averaged like the value.
    const scale = -1 / totalWeight;
    return {
      value: ll * scale,
      gradient: [dR * r * scale, dAlpha * alpha * scale, dA * a * scale, dB * b * scale],
    };
  };
}

/**
 * Maximum-likelihood BG/NBD parameters. BFGS on ln(r, α, a, b), so every parameter stays positive,
 * from r = a = b = 1 and α = the mean age (the scale of the data's time unit); should BFGS stop short of
 * its gradient tolerance, a Nelder–Mead search from where it stopped finishes the job.
 */
export function fitBgNbd(rows: readonly BgNbdRow[]): BgNbdFit {
  const grouped = groupHistories(rows);
  if (grouped.totalWeight === 0) {
    throw new RangeError('fitBgNbd needs at least one customer');
  }
  let meanT = 0;
  grouped.columns.T.index.forEach((j, g) => {
    meanT += ((grouped.columns.T.values[j] ?? 0) * (grouped.weights[g] ?? 0)) / grouped.totalWeight;
  });
  const best = fitLogParameters(bgNbdObjective(grouped), [0, Math.log(Math.max(meanT, 1e-3)), 0, 0]);
  const [r = 0, alpha = 0, a = 0, b = 0] = best.x.map(Math.exp);
  return {
    params: { r, alpha, a, b },
    logLikelihood: -best.value * grouped.totalWeight,
    customers: grouped.totalWeight,
    groups: grouped.weights.length,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}

/**
 * P(alive at T | x, t_x, T). A customer with no repeat purchase has not yet had a chance to drop out —
 * in BG/NBD death happens only right after a purchase — so it is 1 for x = 0 whatever T is.
 */
export function probabilityAlive(params: BgNbdParams, x: number, tX: number, T: number): number {
  checkHistory(x, tX, T);
  if (x === 0) {
    return 1;
  }
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tX));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[purchases in (T, T + t] | x, t_x, T] (FHL 2005 eq. 10), t in the time unit:
 *   (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) ₂F₁(r + x, b + x; a + b + x − 1; z)]
 *   / (1 + [x > 0] a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)),   z = t / (α + T + t),
 * whose denominator is 1 / P(alive): it is `expectedPurchasesIfAlive` × `probabilityAlive`.
 */
export function conditionalExpectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number,
  tX: number,
  T: number,
): number {
  return expectedPurchasesIfAlive(params, t, x, T) * probabilityAlive(params, x, tX, T);
}

/**
 * The numerator of eq. 10: expected purchases in (T, T + t] of a customer known to be alive, which
 * depends on the history only through x and T. The bracket's product is computed through Euler's
 * transformation as
 *   (1 − z)^(a − 1) ₂F₁(a + b − 1 − r, a − 1; a + b + x − 1; z),
 * which is the same number without the (1 − z)^−(r + x) growth that overflows for large x (lifetimes
 * falls back to this form when scipy returns inf). Undefined at exactly a = 1 (0/0).
 */
export function expectedPurchasesIfAlive(params: BgNbdParams, t: number, x: number, T: number): number {
  checkHistory(x, 0, T);
  if (!(t >= 0)) {
    throw new RangeError(`horizon must be non-negative: ${t}`);
  }
  const { r, alpha, a, b } = params;
  const logOneMinusZ = Math.log((alpha + T) / (alpha + T + t));
  const z = t / (alpha + T + t);
  const scaled = Math.exp((a - 1) * logOneMinusZ) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - scaled);
}

/**
 * E[X(t)]: expected repeat purchases in the first t time units of a customer who has just made their
 * first purchase (FHL 2005 eq. 9) — the conditional expectation at x = t_x = T = 0.
 */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, t, 0, 0, 0);
}
