/**
 * BFGS quasi-Newton minimisation with an Armijo backtracking line search — the optimiser the lifetime
 * models are fitted with (lifetimes does the same: scipy's BFGS on log-parameters with autograd
 * gradients). With the analytic gradient a fit takes some 20–60 likelihood evaluations where Nelder–Mead
 * takes 500–600; on a million customers one evaluation is tens of milliseconds of exp and log, so that is
 * the difference between seconds and a quarter of a minute. npm has no maintained, typed, dependency-free
 * optimiser (the general one, `fmin`, is 0.0.x, untyped and pulls a plotting package), hence our own.
 *
 * Callers minimise over log-parameters, so the search is unconstrained. The inverse-Hessian estimate is
 * updated only when the step has positive curvature (sᵀy > 0) — Armijo alone does not guarantee it — and
 * reset to the scaled identity when it stops giving a descent direction.
 */
import type { Minimum } from './nelder-mead.ts';

/** f and its gradient at x. */
export type ValueAndGradient = (x: readonly number[]) => { value: number; gradient: number[] };

export type BfgsOptions = {
  /** Stop when every gradient component is at most this. */
  readonly gradientTolerance?: number;
  /**
   * When f cannot be decreased any more in double precision (a line search finds no lower value, or
   * the step has vanished), the point still counts as a minimum if its gradient is at most this: near
   * the optimum the remaining decrease g²/curvature is below f's rounding long before g reaches
   * `gradientTolerance` on a mean over many customers.
   */
  readonly stalledGradientTolerance?: number;
  readonly maxIterations?: number;
  /** Longest first try of a line search, in the units of x (log units: 5 ≈ a factor of 150). */
  readonly maxStep?: number;
};

const dot = (u: readonly number[], v: readonly number[]): number =>
  u.reduce((sum, ui, i) => sum + ui * (v[i] ?? 0), 0);
const maxAbs = (u: readonly number[]): number => u.reduce((m, ui) => Math.max(m, Math.abs(ui)), 0);
const identity = (n: number, scale: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));
const times = (h: readonly number[][], v: readonly number[]): number[] => h.map((row) => dot(row, v));

export function bfgs(fg: ValueAndGradient, start: readonly number[], options: BfgsOptions = {}): Minimum {
  const {
    gradientTolerance = 1e-9,
    stalledGradientTolerance = 1e-6,
    maxIterations = 200,
    maxStep = 5,
  } = options;
  const n = start.length;
  let evaluations = 1;
  let x = [...start];
  let { value, gradient } = fg(x);
  let h = identity(n, 1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    if (maxAbs(gradient) <= gradientTolerance) {
      return { x, value, iterations, evaluations, converged: true };
    }
    let direction = times(h, gradient).map((d) => -d);
    if (dot(direction, gradient) >= 0) {
      h = identity(n, 1);
      direction = gradient.map((g) => -g);
    }
    const slope = dot(direction, gradient);
    let t = Math.min(1, maxStep / maxAbs(direction));
    let next: { x: number[]; value: number; gradient: number[] } | null = null;
    while (t > 1e-16) {
      const candidate = x.map((xi, i) => xi + t * (direction[i] ?? 0));
      const at = fg(candidate);
      evaluations += 1;
      if (Number.isFinite(at.value) && at.value <= value + 1e-4 * t * slope) {
        next = { x: candidate, ...at };
        break;
      }
      t /= 2;
    }
    if (next === null) {
      return { x, value, iterations, evaluations, converged: maxAbs(gradient) <= stalledGradientTolerance };
    }
    const s = next.x.map((xi, i) => xi - (x[i] ?? 0));
    const y = next.gradient.map((gi, i) => gi - (gradient[i] ?? 0));
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (iterations === 0) {
        h = identity(n, sy / dot(y, y));
      }
      h = bfgsUpdate(h, s, y, 1 / sy);
    }
    const unchanged = next.value >= value - Number.EPSILON * Math.abs(value);
    x = next.x;
    value = next.value;
    gradient = next.gradient;
    if (unchanged && maxAbs(s) <= 1e-12) {
      return { x, value, iterations, evaluations, converged: maxAbs(gradient) <= stalledGradientTolerance };
    }
  }
  return { x, value, iterations, evaluations, converged: maxAbs(gradient) <= gradientTolerance };
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, the BFGS inverse-Hessian update. */
function bfgsUpdate(
  h: readonly number[][],
  s: readonly number[],
  y: readonly number[],
  rho: number,
): number[][] {
  const hy = times(h, y);
  const yhy = dot(y, hy);
  return h.map((row, i) =>
    row.map(
      (hij, j) =>
        hij -
        rho * ((hy[i] ?? 0) * (s[j] ?? 0) + (s[i] ?? 0) * (hy[j] ?? 0)) +
        (rho * rho * yhy + rho) * (s[i] ?? 0) * (s[j] ?? 0),
    ),
  );
}
