/**
 * Known values: closed forms, and mpmath's arbitrary-precision loggamma / digamma / hyp2f1 (30 digits,
 * rounded to the nearest double) for arguments of the sizes BG/NBD meets — small shape parameters,
 * z up to 0.999, large x.
 */
import { describe, expect, test } from 'vitest';
import { digamma, hyp2f1, logBeta, logGamma } from './special-functions.ts';

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('logGamma', () => {
  test.each([
    [1e-3, 6.907178885383853],
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247001],
    [1.5, -0.12078223763524522],
    [2.5, 0.2846828704729192],
    [7.3, 7.147892523022248],
    [10, 12.801827480081469],
    [100, 359.1342053695754],
    [1234.5, 7550.550901077895],
    [1e5, 1051287.7089736569],
  ])('ln Γ(%d) (mpmath)', (x, expected) => {
    expect(relativeError(logGamma(x), expected)).toBeLessThan(1e-13);
  });

  test('ln Γ(n) = ln (n − 1)! and ln Γ(1) = ln Γ(2) = 0', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
    let factorial = 1;
    for (let n = 2; n <= 20; n += 1) {
      factorial *= n - 1;
      expect(relativeError(logGamma(n), Math.log(factorial))).toBeLessThan(1e-14);
    }
  });

  test('rejects a non-positive argument', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1.5)).toThrow(RangeError);
  });
});

test('logBeta: B(1, 1) = 1, B(2, 3) = 1/12, and mpmath at the CDNOW BG/NBD a, b', () => {
  expect(Math.abs(logBeta(1, 1))).toBeLessThan(1e-14);
  expect(relativeError(logBeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14);
  expect(relativeError(logBeta(0.793, 2.426), -0.5115692885937033)).toBeLessThan(1e-13);
});

describe('digamma', () => {
  test.each([
    [1e-3, -1000.5755719318103],
    [0.243, -4.351093864423211],
    [0.5, -1.9635100260214235],
    [1, -0.5772156649015329],
    [2.426, 0.6662079149687963],
    [7.3, 1.9178203356379862],
    [10, 2.251752589066721],
    [123.4, 4.8113737751162775],
    [1e5, 11.512920464961896],
  ])('ψ(%d) (mpmath)', (x, expected) => {
    expect(relativeError(digamma(x), expected)).toBeLessThan(1e-13);
  });

  test('is the derivative of logGamma', () => {
    for (const x of [0.3, 2.5, 40]) {
      const h = 1e-5;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 7);
    }
  });
});

describe('hyp2f1', () => {
  test.each([
    [0.243, 2.426, 2.219, 0.947, 2.3984707417430458], // BG/NBD, new customer at 78 weeks
    [1, 1, 2, 0.5, 1.3862943611198906],
    [2.5, -0.2, 3.1, 0.9, 0.7495814376241611], // one Pochhammer symbol negative
    [0.5, 1.5, 2.5, -3, 0.6198270018495268], // Pfaff branch, |z| > 1
    [1.2, 3.4, 5.6, -0.6, 0.6954887615174914], // Pfaff branch, |z| < 1
    [50.2, 51.4, 101.2, 0.47, 3050385.1527061127], // large x: the Euler form
    [0.3, 0.4, 0.5, 0.999, 4.64561128804101], // slow: about 36,000 terms
    [-3, 2, 1.5, 0.7, -0.0752], // a polynomial
  ])('₂F₁(%d, %d; %d; %d) (mpmath)', (a, b, c, z, expected) => {
    expect(relativeError(hyp2f1(a, b, c, z), expected)).toBeLessThan(1e-12);
  });

  test('closed forms: −ln(1 − z)/z, (1 − z)^−a, arctan, arcsin', () => {
    for (const z of [-0.9, -0.3, 0.01, 0.3, 0.6, 0.9, 0.99]) {
      expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z)).toBeLessThan(1e-13);
      expect(relativeError(hyp2f1(0.7, 2.3, 2.3, z), (1 - z) ** -0.7)).toBeLessThan(1e-13);
    }
    for (const x of [0.2, 0.9, 3, 10]) {
      expect(relativeError(hyp2f1(0.5, 1, 1.5, -x * x), Math.atan(x) / x)).toBeLessThan(1e-13);
    }
    for (const x of [0.2, 0.7, 0.95]) {
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-13);
    }
  });

  test('outside its domain it throws instead of answering', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, 1 - 1e-9)).toThrow(/did not converge/);
  });
});
