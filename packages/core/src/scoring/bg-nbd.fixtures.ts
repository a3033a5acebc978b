/**
 * Test support: customers drawn from a known BG/NBD, seeded, so that a fit can be checked against the
 * parameters that made the data and timed on a million customers without shipping a million rows.
 * The process is lifetimes' `beta_geometric_nbd_model` generator: λ ~ Gamma(r, α), p ~ Beta(a, b);
 * purchases at exponential gaps; after each repeat purchase the customer drops out with probability p.
 */
import type { BgNbdParams, CustomerHistory } from './bg-nbd.ts';

/** mulberry32: a tiny, fast 32-bit generator; plenty for test data, and reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1. */
export function gammaSample(random: () => number, shape: number): number {
  if (shape < 1) {
    return gammaSample(random, shape + 1) * (1 - random()) ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(random);
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
      return d * v;
    }
  }
}

export type SimulationOptions = {
  readonly seed: number;
  /** Customers' ages at the end of observation are uniform on [minAge, maxAge], in the time unit. */
  readonly minAge: number;
  readonly maxAge: number;
  /** Round ages down to whole units, as a daily summary has them (more identical rows). */
  readonly wholeUnits?: boolean;
};

export function simulateBgNbd(
  params: BgNbdParams,
  customers: number,
  options: SimulationOptions,
): CustomerHistory[] {
  const random = seededRandom(options.seed);
  const { r, alpha, a, b } = params;
  const rows: CustomerHistory[] = [];
  for (let i = 0; i < customers; i += 1) {
    const ageRaw = options.minAge + (options.maxAge - options.minAge) * random();
    const T = options.wholeUnits === true ? Math.floor(ageRaw) : ageRaw;
    const lambda = gammaSample(random, r) / alpha;
    const x1 = gammaSample(random, a);
    const p = x1 / (x1 + gammaSample(random, b));
    let t = 0;
    let frequency = 0;
    let recency = 0;
    for (;;) {
      t += -Math.log(1 - random()) / lambda;
      if (t > T) {
        break;
      }
      frequency += 1;
      recency = t;
      if (random() < p) {
        break;
      }
    }
    rows.push({ frequency, recency: options.wholeUnits === true ? Math.floor(recency) : recency, T });
  }
  return rows;
}
