/**
 * BG/NBD against hand-computed likelihoods, CDNOW's published fit and expectations (cdnow/SOURCE.md,
 * "More CLV oracles"), BTYD's weekly tracking, data simulated from known parameters — and likelihoods
 * broken on purpose, to show the CDNOW check is able to fail.
 */
import { describe, expect, test } from 'vitest';
import { simulateBgNbd } from './bg-nbd.fixtures.ts';
import {
  type BgNbdParams,
  bgNbdLogLikelihood,
  bgNbdObjective,
  type CustomerHistory,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  groupHistories,
  logAddExp,
  probabilityAlive,
} from './bg-nbd.ts';
import { readCsv } from './cdnow.fixtures.ts';
import { minimise } from './nelder-mead.ts';
import { logGamma } from './special-functions.ts';

/** Fader, Hardie & Lee (2005) and lifetimes' test: the CDNOW calibration fit, weeks. */
const PUBLISHED = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const TARGET = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const cdnow: CustomerHistory[] = readCsv('cdnow_customers_summary.csv').map((row) => ({
  frequency: Number(row.frequency),
  recency: Number(row.recency),
  T: Number(row.T),
}));

function withinOnePercent(params: BgNbdParams): boolean {
  return (Object.keys(TARGET) as (keyof BgNbdParams)[]).every(
    (k) => Math.abs(params[k] / TARGET[k] - 1) <= 0.01,
  );
}

describe('the per-customer log-likelihood', () => {
  // FHL (2005) eq. 6 in its original product form, evaluated by hand with small integers:
  // L = B(a, b + x)/B(a, b) · Γ(r + x) α^r / (Γ(r) (α + T)^(r + x))
  //   + [x > 0] B(a + 1, b + x − 1)/B(a, b) · Γ(r + x) α^r / (Γ(r) (α + t_x)^(r + x)).
  test('r = α = a = b = 1, x = 1, t_x = 1, T = 2: 1/2 · 1/9 + 1/2 · 1/4 = 13/72', () => {
    expect(bgNbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, 1, 1, 2)).toBeCloseTo(Math.log(13 / 72), 13);
  });

  test('r = 2, α = 1, a = 2, b = 3, x = 2, t_x = 1, T = 3: 0.4 · 6/256 + 0.2 · 6/16 = 27/320', () => {
    expect(bgNbdLogLikelihood({ r: 2, alpha: 1, a: 2, b: 3 }, 2, 1, 3)).toBeCloseTo(Math.log(27 / 320), 13);
  });

  test('x = 0 leaves only (α / (α + T))^r: r = 2, α = 3, T = 5 gives 9/64', () => {
    expect(bgNbdLogLikelihood({ r: 2, alpha: 3, a: 0.5, b: 0.7 }, 0, 0, 5)).toBeCloseTo(Math.log(9 / 64), 13);
  });

  test('a frequent buyer stays finite where the product form underflows', () => {
    const ll = bgNbdLogLikelihood(PUBLISHED, 400, 700, 720);
    expect(Number.isFinite(ll)).toBe(true);
    expect(logAddExp(-800, -801)).toBeCloseTo(-800 + Math.log1p(Math.exp(-1)), 12);
  });

  test('rejects impossible histories', () => {
    expect(() => bgNbdLogLikelihood(PUBLISHED, 1, 5, 4)).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(PUBLISHED, 0, 1, 4)).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(PUBLISHED, 1.5, 1, 4)).toThrow(RangeError);
  });
});

describe('the grouped objective the fit minimises', () => {
  const grouped = groupHistories(cdnow);
  const objective = bgNbdObjective(grouped);
  const at = [Math.log(0.3), Math.log(5), Math.log(0.7), Math.log(2)];

  test('is the mean of the per-customer −ln L, over 1,016 distinct rows of 2,357', () => {
    expect(grouped.weights.length).toBe(1016);
    expect(grouped.totalWeight).toBe(2357);
    const [r = 0, alpha = 0, a = 0, b = 0] = at.map(Math.exp);
    const mean =
      cdnow.reduce((s, c) => s - bgNbdLogLikelihood({ r, alpha, a, b }, c.frequency, c.recency, c.T), 0) /
      2357;
    expect(objective(at).value).toBeCloseTo(mean, 11);
  });

  test('has the gradient its central differences have', () => {
    const { gradient } = objective(at);
    at.forEach((_, i) => {
      const h = 1e-6;
      const up = at.map((v, j) => (j === i ? v + h : v));
      const down = at.map((v, j) => (j === i ? v - h : v));
      expect(gradient[i]).toBeCloseTo((objective(up).value - objective(down).value) / (2 * h), 7);
    });
  });

  test('count on a row weighs like repeated rows', () => {
    const repeated = bgNbdObjective(groupHistories([...cdnow.slice(0, 5), cdnow[4] as CustomerHistory]));
    const counted = bgNbdObjective(
      groupHistories([...cdnow.slice(0, 4), { ...(cdnow[4] as CustomerHistory), count: 2 }]),
    );
    expect(counted(at).value).toBeCloseTo(repeated(at).value, 14);
  });
});

describe('CDNOW (2,357 customers, weeks)', () => {
  const fit = fitBgNbd(cdnow);

  test('the fit reproduces r 0.243, α 4.414, a 0.793, b 2.426 within 1 % and ln L −9,582.4', () => {
    expect(fit.converged).toBe(true);
    expect(withinOnePercent(fit.params)).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(fit.evaluations).toBeLessThan(100);
  });

  test('1.226 expected purchases in 39 weeks for x 2, t_x 30.43, T 38.86', () => {
    expect(conditionalExpectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  test("a new customer's expected purchases (Hardie's spreadsheet, 4 decimals)", () => {
    const weeks = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    weeks.forEach((t, i) => {
      expect(Math.abs(expectedPurchases(PUBLISHED, t) - (expected[i] ?? 0))).toBeLessThan(5e-4);
    });
    expect(expectedPurchases(PUBLISHED, 0)).toBeCloseTo(0, 15);
  });

  test('the conditional expectation at x = t_x = T = 0 is the new-customer one', () => {
    expect(conditionalExpectedPurchases(fit.params, 20, 0, 0, 0)).toBe(expectedPurchases(fit.params, 20));
  });

  test('P(alive) is 1 for every customer without a repeat purchase, and below 1 otherwise', () => {
    const once = cdnow.filter((c) => c.frequency === 0);
    expect(once).toHaveLength(1411);
    for (const c of once) {
      expect(probabilityAlive(fit.params, 0, 0, c.T)).toBe(1);
    }
    expect(probabilityAlive(fit.params, 0, 0, 10_000)).toBe(1);
    const active = probabilityAlive(fit.params, 2, 30.43, 38.86);
    expect(active).toBeGreaterThan(0.5);
    expect(active).toBeLessThan(1);
    // The same purchases long ago: far less likely still alive.
    expect(probabilityAlive(fit.params, 2, 2, 38.86)).toBeLessThan(active / 2);
  });

  test('predicts the weekly cumulative repeat purchases of BTYD tracking (78 weeks) within 6 % from week 18', () => {
    // Each customer's first purchase is 272/7 − T weeks after 1997-01-01; the week-w total is the sum of
    // E[X(w − start)]. Bound: FHL (2005) show the BG/NBD tracking CDNOW's weekly cumulative repeat
    // purchases closely in and beyond the calibration period. In-sample (week 39, Σx = 2,457) it must be
    // close; measured here the model ends the holdout about 4 % low (4,166 vs 4,339) and stays within
    // 5 % from week 18 on, so 6 % fails a model that is clearly off. Before week 18 the 12-week ramp of
    // first purchases dominates and the model trails the data (−18 % at week 6), as a stationary model
    // of a few early repeat purchases does.
    const tracking = readCsv('oracle/btyd_cdnowSummary_cu_tracking.csv').map((row) =>
      Number(row.cumulative_repeat_transactions),
    );
    expect(tracking).toHaveLength(78);
    const predicted = tracking.map((_, i) =>
      cdnow.reduce((sum, c) => {
        const age = i + 1 - (272 / 7 - c.T);
        return age > 0 ? sum + expectedPurchases(fit.params, age) : sum;
      }, 0),
    );
    const error = (week: number): number =>
      Math.abs((predicted[week - 1] ?? 0) / (tracking[week - 1] ?? 1) - 1);
    expect(error(39)).toBeLessThan(0.03);
    expect(error(78)).toBeLessThan(0.06);
    for (let week = 18; week <= 78; week += 1) {
      expect(error(week)).toBeLessThan(0.06);
    }
  });
});

describe('the CDNOW check fails for a wrong likelihood', () => {
  const grouped = groupHistories(cdnow);
  const rows = Array.from(grouped.weights, (weight, g) => ({
    weight,
    x: grouped.columns.x.values[grouped.columns.x.index[g] ?? 0] ?? 0,
    tX: grouped.columns.tX.values[grouped.columns.tX.index[g] ?? 0] ?? 0,
    T: grouped.columns.T.values[grouped.columns.T.index[g] ?? 0] ?? 0,
  }));
  type Ll = (p: BgNbdParams, x: number, tX: number, T: number) => number;
  const fitWith = (ll: Ll): BgNbdParams => {
    const best = minimise(
      (theta) => {
        const [r = 0, alpha = 0, a = 0, b = 0] = theta.map(Math.exp);
        const sum = rows.reduce((s, row) => s + row.weight * ll({ r, alpha, a, b }, row.x, row.tX, row.T), 0);
        return -sum / grouped.totalWeight;
        // The correct likelihood converges in under 200 iterations; the broken ones below have no maximum
        // and run off towards a or b → 0 or ∞, so the cap only keeps them from running for long.
      },
      [0, Math.log(30), 0, 0],
      { xTolerance: 1e-6, fTolerance: 1e-10, maxIterations: 500, restarts: 0 },
    );
    const [r = 0, alpha = 0, a = 0, b = 0] = best.x.map(Math.exp);
    return { r, alpha, a, b };
  };
  const parts = (p: BgNbdParams, x: number, tX: number, T: number) => ({
    a1: logGamma(p.r + x) - logGamma(p.r) + p.r * Math.log(p.alpha),
    a2: logGamma(p.a + p.b) + logGamma(p.b + x) - logGamma(p.b) - logGamma(p.a + p.b + x),
    a3: -(p.r + x) * Math.log(p.alpha + T),
    a4: (shift: number) =>
      Math.log(p.a) - Math.log(p.b + Math.max(x, 1) - shift) - (p.r + x) * Math.log(p.alpha + tX),
  });

  test('the harness itself: the correct likelihood through a generic optimiser passes', () => {
    expect(withinOnePercent(fitWith(bgNbdLogLikelihood))).toBe(true);
  });

  test('the drop-out term kept for customers without repeat purchases ([x > 0] dropped)', () => {
    const wrong = fitWith((p, x, tX, T) => {
      const { a1, a2, a3, a4 } = parts(p, x, tX, T);
      return a1 + a2 + logAddExp(a3, a4(1));
    });
    expect(withinOnePercent(wrong)).toBe(false);
  });

  test('ln(b + x) instead of ln(b + x − 1) in A₄', () => {
    const wrong = fitWith((p, x, tX, T) => {
      const { a1, a2, a3, a4 } = parts(p, x, tX, T);
      return x === 0 ? a1 + a2 + a3 : a1 + a2 + logAddExp(a3, a4(0));
    });
    expect(withinOnePercent(wrong)).toBe(false);
  });
});

test('a million simulated customers (days, 1.5 years): fitted in seconds, parameters recovered within 3 %', () => {
  const truth = { r: 0.24, alpha: 30.9, a: 0.79, b: 2.43 };
  const customers = simulateBgNbd(truth, 1_000_000, { seed: 7, minAge: 0, maxAge: 545, wholeUnits: true });
  const started = performance.now();
  const fit = fitBgNbd(customers);
  const seconds = (performance.now() - started) / 1000;
  expect(fit.converged).toBe(true);
  expect(fit.customers).toBe(1_000_000);
  expect(fit.groups).toBeLessThan(300_000);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    expect(Math.abs(fit.params[k] / truth[k] - 1)).toBeLessThan(0.03);
  }
  // About 3.5 s alone on one core of the 2-vCPU machine; the bound leaves room for a busy neighbour.
  expect(seconds).toBeLessThan(30);
});
