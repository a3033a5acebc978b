/**
 * Nelder–Mead simplex minimisation: the derivative-free fallback of the lifetime fits (when BFGS stops
 * short of its gradient tolerance) and the optimiser of their tests' deliberately broken likelihoods,
 * which have no gradient code. It needs only comparisons, so it cannot be misled by a wrong gradient or
 * a curvature estimate; the price is 500–600 evaluations for 4 parameters where BFGS takes 30–60.
 * Our own for the reason given in bfgs.ts. Callers optimise log-parameters, so the search is unconstrained.
 * Coefficients are the standard ones (reflection 1, expansion 2, contraction ½, shrink ½), as scipy's
 * `method='Nelder-Mead'` without `adaptive`; convergence is scipy's rule: simplex within `xTolerance`
 * of its best vertex in every coordinate and values within `fTolerance` of the best value.
 */

export type NelderMeadOptions = {
  /** Side of the initial simplex, in the units of x (log units for the models: 0.5 ≈ a factor 1.65). */
  readonly step?: number;
  readonly xTolerance?: number;
  readonly fTolerance?: number;
  readonly maxIterations?: number;
};

export type Minimum = {
  readonly x: readonly number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** False when `maxIterations` ran out first; the point is still the best one seen. */
  readonly converged: boolean;
};

type Vertex = { x: number[]; value: number };

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): Minimum {
  const { step = 0.5, xTolerance = 1e-8, fTolerance = 1e-12, maxIterations = 5000 } = options;
  const n = start.length;
  let evaluations = 0;
  // A NaN (a likelihood evaluated where it is undefined) must lose every comparison, not win it.
  const evaluate = (x: number[]): Vertex => {
    evaluations += 1;
    const value = f(x);
    return { x, value: Number.isNaN(value) ? Number.POSITIVE_INFINITY : value };
  };
  const simplex: Vertex[] = [evaluate([...start])];
  for (let i = 0; i < n; i += 1) {
    const x = [...start];
    x[i] = (x[i] ?? 0) + step;
    simplex.push(evaluate(x));
  }
  const along = (from: readonly number[], to: readonly number[], t: number): number[] =>
    from.map((v, i) => v + t * ((to[i] ?? 0) - v));

  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    simplex.sort((p, q) => p.value - q.value);
    const best = simplex[0] as Vertex;
    const worst = simplex[n] as Vertex;
    if (converged(simplex, xTolerance, fTolerance)) {
      return { x: best.x, value: best.value, iterations, evaluations, converged: true };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let v = 0; v < n; v += 1) {
      const vertex = simplex[v] as Vertex;
      for (let i = 0; i < n; i += 1) {
        centroid[i] = (centroid[i] ?? 0) + (vertex.x[i] ?? 0) / n;
      }
    }
    const secondWorst = simplex[n - 1] as Vertex;
    const reflected = evaluate(along(centroid, worst.x, -1));
    if (reflected.value < best.value) {
      const expanded = evaluate(along(centroid, worst.x, -2));
      simplex[n] = expanded.value < reflected.value ? expanded : reflected;
    } else if (reflected.value < secondWorst.value) {
      simplex[n] = reflected;
    } else {
      const outside = reflected.value < worst.value;
      const contracted = evaluate(along(centroid, outside ? reflected.x : worst.x, 0.5));
      if (contracted.value <= (outside ? reflected.value : worst.value)) {
        simplex[n] = contracted;
      } else {
        for (let v = 1; v <= n; v += 1) {
          simplex[v] = evaluate(along(best.x, (simplex[v] as Vertex).x, 0.5));
        }
      }
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  const best = simplex[0] as Vertex;
  return { x: best.x, value: best.value, iterations, evaluations, converged: false };
}

function converged(sorted: readonly Vertex[], xTolerance: number, fTolerance: number): boolean {
  const best = sorted[0] as Vertex;
  return sorted.every(
    (vertex) =>
      Math.abs(vertex.value - best.value) <= fTolerance &&
      vertex.x.every((v, i) => Math.abs(v - (best.x[i] ?? 0)) <= xTolerance),
  );
}

/**
 * Nelder–Mead run again from its own answer until a restart no longer improves the value: a simplex can
 * collapse onto a line short of the minimum (McKinnon 1998), and a fresh full-size simplex at the point
 * reached is the usual cheap remedy.
 */
export function minimise(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions & { readonly restarts?: number } = {},
): Minimum {
  const { restarts = 3, ...rest } = options;
  let result = nelderMead(f, start, rest);
  let { iterations, evaluations } = result;
  for (let i = 0; i < restarts; i += 1) {
    const again = nelderMead(f, result.x, { ...rest, step: rest.step ?? 0.1 });
    iterations += again.iterations;
    evaluations += again.evaluations;
    const improved = again.value < result.value - (rest.fTolerance ?? 1e-12);
    result = again.value <= result.value ? again : result;
    if (!improved) {
      break;
    }
  }
  return { ...result, iterations, evaluations };
}
