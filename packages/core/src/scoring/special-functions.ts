/**
 * The special functions the buy-'til-you-die models need: log-gamma, log-beta and Gauss's
 * hypergeometric 2F1 on the real line below 1. Pure numerics, no I/O; double precision throughout.
 */

/**
 * Lanczos coefficients for g = 7, n = 9 (Godfrey's set, as in Numerical Recipes and most libms'
 * fallbacks): about 15 significant digits for every positive argument, with no table and no branch on
 * the size of the argument — the likelihoods call this millions of times with arguments from 1e-3 to 1e5.
 */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) {
    throw new RangeError(`logGamma needs a positive argument: ${x}`);
  }
  if (x < 0.5) {
    // Lanczos loses digits near 0; the reflection formula moves the argument to (0.5, 1).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i += 1) {
    sum += (LANCZOS[i] ?? 0) / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Relative size of the neglected tail at which a series stops: the spacing of doubles near 1. */
const SERIES_EPSILON = Number.EPSILON;
/**
 * A series needs about ln ε / ln z terms: 700 at z = 0.95, 36,000 at z = 0.999. Beyond a million the
 * argument is within about 4e-5 of 1, where the model's horizon dwarfs the customers' ages — a caller's
 * bug worth hearing about rather than a slow answer.
 */
const MAX_TERMS = 1_000_000;

/**
 * Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1, summed until the tail — bounded by a geometric series of the
 * current term ratio (or z, which the ratio tends to) — is below ε of the sum.
 */
function gaussSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n += 1) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) {
      return sum; // a or b is a non-positive integer: the series is a polynomial
    }
    const bound = Math.max(Math.abs(ratio), z);
    if (bound < 1 && (Math.abs(term) * bound) / (1 - bound) <= SERIES_EPSILON * Math.abs(sum)) {
      return sum;
    }
  }
  throw new RangeError(`hyp2f1 series did not converge in ${MAX_TERMS} terms (z = ${z})`);
}

/**
 * Gauss's hypergeometric function ₂F₁(a, b; c; z) for real z < 1 and c not a non-positive integer.
 *
 * Branch strategy (all terms computed by the three-term ratio, no gamma functions, so no cancellation
 * between large terms of opposite sign):
 * - z < 0: Pfaff's transformation ₂F₁(a, b; c; z) = (1 − z)^−a ₂F₁(a, c − b; c; z / (z − 1)) maps the
 *   argument into [0, 1), where the series has one sign eventually instead of alternating.
 * - 0 ≤ z < 1: the power series, in whichever of the two Euler-equivalent forms
 *   ₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z) has the smaller leading coefficient
 *   |ab| or |(c − a)(c − b)|. The BG/NBD conditional expectation has a and b growing with the
 *   customer's purchase count x and c = a + b − (a model constant), so the Euler form turns a series
 *   whose terms first grow like (1 − z)^−x into one whose terms shrink from the start.
 * - z ≥ 1 is outside the disc of convergence and the models never ask for it: RangeError.
 * Convergence is geometric with ratio z: cost grows like 1 / (1 − z) (see MAX_TERMS).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1) || (c <= 0 && Number.isInteger(c))) {
    throw new RangeError(
      `hyp2f1 is defined here for z < 1 and c ∉ {0, −1, −2, …}: a ${a} b ${b} c ${c} z ${z}`,
    );
  }
  if (z < 0) {
    return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1));
  }
  if (Math.abs((c - a) * (c - b)) < Math.abs(a * b)) {
    return (1 - z) ** (c - a - b) * gaussSeries(c - a, c - b, c, z);
  }
  return gaussSeries(a, b, c, z);
}

/**
 * ψ(x) = d/dx ln Γ(x) for x > 0, for the likelihoods' gradients: the recurrence ψ(x) = ψ(x + 1) − 1/x
 * lifts the argument to at least 10, where the asymptotic series to x^−12 is below 1e-15.
 */
export function digamma(x: number): number {
  if (!(x > 0)) {
    throw new RangeError(`digamma needs a positive argument: ${x}`);
  }
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift -= 1 / y;
    y += 1;
  }
  const inv2 = 1 / (y * y);
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - (inv2 * 691) / 32760)))));
  return shift + Math.log(y) - 0.5 / y - series;
}
