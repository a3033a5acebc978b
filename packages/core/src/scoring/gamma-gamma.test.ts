/**
 * Gamma-Gamma against hand-computed densities, the CDNOW fit and expected spends of cdnow/SOURCE.md
 * ("More CLV oracles"), lifetimes' published CLV example, and a broken likelihood to show the check
 * can fail.
 */
import { describe, expect, test } from 'vitest';
import { conditionalExpectedPurchases, fitBgNbd } from './bg-nbd.ts';
import { readCsv } from './cdnow.fixtures.ts';
import {
  conditionalExpectedAverageSpend,
  customerLifetimeValue,
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
  gammaGammaObjective,
  groupSpends,
} from './gamma-gamma.ts';
import { minimise } from './nelder-mead.ts';
import { logGamma } from './special-functions.ts';

const TARGET = { p: 6.25, q: 3.74, v: 15.44 };

/** Fader–Hardie's calibration summary with spend, weeks and dollars. */
const cdnow = readCsv('cdnow_customers_summary_with_transactions.csv').map((row) => ({
  frequency: Number(row.x),
  recency: Number(row.t_x),
  T: Number(row.T),
  monetaryValue: Number(row.zbar),
}));

function withinOnePercent(params: GammaGammaParams): boolean {
  return (Object.keys(TARGET) as (keyof GammaGammaParams)[]).every(
    (k) => Math.abs(params[k] / TARGET[k] - 1) <= 0.01,
  );
}

describe('the per-customer log-likelihood', () => {
  // f(m̄) = Γ(px + q)/(Γ(px) Γ(q)) · v^q m̄^(px − 1) x^(px) / (v + m̄ x)^(px + q), by hand:
  test('p = q = v = x = m̄ = 1: Γ(2) · 1 / 2² = 1/4', () => {
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, v: 1 }, 1, 1)).toBeCloseTo(Math.log(1 / 4), 13);
  });

  test('p 2, q 3, v 4, x 2, m̄ 5: 720/(6 · 2) · 4³ · 5³ · 2⁴ / 14⁷ = 7,680,000 / 105,413,504', () => {
    expect(gammaGammaLogLikelihood({ p: 2, q: 3, v: 4 }, 2, 5)).toBeCloseTo(
      Math.log(7_680_000 / 105_413_504),
      13,
    );
  });

  test('is undefined without repeat spend', () => {
    expect(() => gammaGammaLogLikelihood(TARGET, 0, 10)).toThrow(RangeError);
    expect(() => gammaGammaLogLikelihood(TARGET, 2, 0)).toThrow(RangeError);
  });
});

describe('the grouped objective', () => {
  const grouped = groupSpends(cdnow);
  const objective = gammaGammaObjective(grouped);
  const at = [Math.log(5), Math.log(3), Math.log(20)];

  test('uses only the 946 customers with repeat purchases, and is their mean −ln f', () => {
    expect(grouped.totalWeight).toBe(946);
    const [p = 0, q = 0, v = 0] = at.map(Math.exp);
    const used = cdnow.filter((c) => c.frequency > 0);
    const mean =
      used.reduce((s, c) => s - gammaGammaLogLikelihood({ p, q, v }, c.frequency, c.monetaryValue), 0) / 946;
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
});

describe('CDNOW (x > 0 rows, zbar in dollars)', () => {
  const fit = fitGammaGamma(cdnow);

  test('the fit reproduces p 6.25, q 3.74, v 15.44 within 1 %', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    expect(withinOnePercent(fit.params)).toBe(true);
  });

  test('expected average spend of sample ids 1–10 (±0.1)', () => {
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    cdnow.slice(0, 10).forEach((c, i) => {
      const spend = conditionalExpectedAverageSpend(fit.params, c.frequency, c.monetaryValue);
      expect(Math.abs(spend - (expected[i] ?? 0))).toBeLessThan(0.1);
    });
  });

  test('q ≤ 1 has no mean spend', () => {
    expect(() => conditionalExpectedAverageSpend({ p: 1, q: 1, v: 1 }, 1, 1)).toThrow(RangeError);
  });

  describe('customer lifetime value', () => {
    const purchases = fitBgNbd(cdnow).params;

    test("lifetimes' documented example: 140.0962, 18.9435, 38.1806 × 3 for ids 1–5", () => {
      // lifetimes' quickstart calls customer_lifetime_value(bgf, …, time=12, discount_rate=0.01) with its
      // default freq='D' on this weekly fit, i.e. 30 model units (here: weeks) a month. Reproducing that
      // call checks the arithmetic; unit 'weeks' is the right call for these data.
      const published = [140.096218, 18.943466, 38.180575, 38.180575, 38.180575];
      cdnow.slice(0, 5).forEach((c, i) => {
        const clv = customerLifetimeValue(purchases, fit.params, c, { unit: 'days' });
        expect(Math.abs(clv - (published[i] ?? 0))).toBeLessThan(0.01);
      });
    });

    test('undiscounted, it is expected spend × expected purchases in the horizon', () => {
      const c = cdnow[0] ?? { frequency: 0, recency: 0, T: 0, monetaryValue: 0 };
      const clv = customerLifetimeValue(purchases, fit.params, c, { unit: 'weeks', monthlyDiscountRate: 0 });
      const spend = conditionalExpectedAverageSpend(fit.params, c.frequency, c.monetaryValue);
      const inHorizon = conditionalExpectedPurchases(purchases, 12 * 4.345, c.frequency, c.recency, c.T);
      expect(clv).toBeCloseTo(spend * inHorizon, 10);
    });

    test('discounting lowers it, and a weekly horizon of 12 months is shorter than 12 × 30 weeks', () => {
      const c = cdnow[0] ?? { frequency: 0, recency: 0, T: 0, monetaryValue: 0 };
      const weekly = customerLifetimeValue(purchases, fit.params, c, { unit: 'weeks' });
      const undiscounted = customerLifetimeValue(purchases, fit.params, c, {
        unit: 'weeks',
        monthlyDiscountRate: 0,
      });
      expect(weekly).toBeLessThan(undiscounted);
      expect(weekly).toBeGreaterThan(0.9 * undiscounted);
      expect(weekly).toBeLessThan(customerLifetimeValue(purchases, fit.params, c, { unit: 'days' }));
    });
  });
});

test('the CDNOW check fails for a wrong likelihood: px ln x dropped', () => {
  const used = cdnow.filter((c) => c.frequency > 0);
  const fitWith = (ll: (p: GammaGammaParams, x: number, m: number) => number): GammaGammaParams => {
    const best = minimise(
      (theta) => {
        const [p = 0, q = 0, v = 0] = theta.map(Math.exp);
        return -used.reduce((s, c) => s + ll({ p, q, v }, c.frequency, c.monetaryValue), 0) / used.length;
      },
      [0, 0, Math.log(30)],
      { xTolerance: 1e-7, fTolerance: 1e-11 },
    );
    const [p = 0, q = 0, v = 0] = best.x.map(Math.exp);
    return { p, q, v };
  };
  expect(withinOnePercent(fitWith(gammaGammaLogLikelihood))).toBe(true);
  const wrong = fitWith(({ p, q, v }, x, m) => {
    const px = p * x;
    return (
      logGamma(px + q) -
      logGamma(px) -
      logGamma(q) +
      q * Math.log(v) +
      (px - 1) * Math.log(m) -
      (px + q) * Math.log(v + x * m)
    );
  });
  expect(withinOnePercent(wrong)).toBe(false);
});
