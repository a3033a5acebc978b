/**
 * The models' optimisation strategy in one place: BFGS with the analytic gradient (fast: tens of
 * evaluations), and Nelder–Mead from wherever BFGS stopped if it stopped short of its gradient tolerance
 * (robust: needs no gradient and no curvature, only comparisons).
 */
import { bfgs, type ValueAndGradient } from './bfgs.ts';
import { type Minimum, minimise } from './nelder-mead.ts';

export function fitLogParameters(objective: ValueAndGradient, start: readonly number[]): Minimum {
  const quick = bfgs(objective, start);
  if (quick.converged) {
    return quick;
  }
  const polished = minimise((x) => objective(x).value, quick.x, { step: 0.1 });
  return { ...polished, evaluations: quick.evaluations + polished.evaluations };
}
