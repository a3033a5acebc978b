/**
 * The two optimisers on textbook functions with known minima: Rosenbrock's valley (slow to follow for
 * both), a quadratic with very different curvatures, and Nelder–Mead refusing NaN regions.
 */
import { describe, expect, test } from 'vitest';
import { bfgs } from './bfgs.ts';
import { fitLogParameters } from './fit-log-parameters.ts';
import { minimise, nelderMead } from './nelder-mead.ts';

const rosenbrock = (x: readonly number[]): number => {
  const [a = 0, b = 0] = x;
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};
const rosenbrockGradient = (x: readonly number[]) => {
  const [a = 0, b = 0] = x;
  return { value: rosenbrock(x), gradient: [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)] };
};

describe('Nelder–Mead', () => {
  test('finds Rosenbrock’s minimum (1, 1) from (−1.2, 1)', () => {
    const found = minimise(rosenbrock, [-1.2, 1]);
    expect(found.converged).toBe(true);
    expect(found.x[0]).toBeCloseTo(1, 6);
    expect(found.x[1]).toBeCloseTo(1, 6);
  });

  test('treats NaN as worse than anything (a likelihood outside its domain)', () => {
    const f = (x: readonly number[]) => ((x[0] ?? 0) < 0 ? Number.NaN : ((x[0] ?? 0) - 2) ** 2);
    const found = nelderMead(f, [0.5]);
    expect(found.x[0]).toBeCloseTo(2, 6);
  });

  test('reports running out of iterations', () => {
    expect(nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 10 }).converged).toBe(false);
  });
});

describe('BFGS', () => {
  test('finds Rosenbrock’s minimum to 1e-8 in a few dozen evaluations', () => {
    const found = bfgs(rosenbrockGradient, [-1.2, 1]);
    expect(found.converged).toBe(true);
    expect(found.x[0]).toBeCloseTo(1, 8);
    expect(found.x[1]).toBeCloseTo(1, 8);
    expect(found.evaluations).toBeLessThan(100);
  });

  test('an ill-conditioned quadratic (curvatures 1 and 10⁶)', () => {
    const found = bfgs(
      (x) => {
        const [a = 0, b = 0] = x;
        return { value: 0.5 * (a - 3) ** 2 + 5e5 * (b + 1) ** 2, gradient: [a - 3, 1e6 * (b + 1)] };
      },
      [0, 0],
    );
    expect(found.converged).toBe(true);
    expect(found.x[0]).toBeCloseTo(3, 8);
    expect(found.x[1]).toBeCloseTo(-1, 8);
  });
});

test('the fits fall back to Nelder–Mead where BFGS cannot finish (here: a gradient with the wrong sign)', () => {
  const misleading = (x: readonly number[]) => {
    const { value, gradient } = rosenbrockGradient(x);
    return { value, gradient: gradient.map((g) => -g) };
  };
  expect(bfgs(misleading, [-1.2, 1]).converged).toBe(false);
  const found = fitLogParameters(misleading, [-1.2, 1]);
  expect(found.converged).toBe(true);
  expect(found.x[0]).toBeCloseTo(1, 6);
  expect(found.x[1]).toBeCloseTo(1, 6);
});
