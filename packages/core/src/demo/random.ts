/**
 * Randomness for the demo brand: sfc32 seeded through splitmix32, the few ways of drawing from it the
 * generator needs, and the vocabularies it draws from. Every part of the brand draws from its own stream, so
 * tuning how people chat does not reshuffle who bought what.
 */

export type Rng = Readonly<{
  /** Uniform in [0, 1). */
  next: () => number;
  /** Integer in [0, n). */
  int: (n: number) => number;
  range: (lo: number, hi: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  normal: () => number;
}>;

function createRng(seed: number): Rng {
  let state = seed | 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) {
    next();
  }
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    range: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) {
        throw new RangeError('pick from an empty list');
      }
      return items[int(items.length)] as T;
    },
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

/** The stream named `label` of the brand seeded with `seed`. */
export function stream(seed: number, label: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  const high = Math.floor(seed / 4294967296);
  return createRng(Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b) ^ h);
}

export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) {
    return 0;
  }
  if (mean > 30) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Cumulative weights (length n + 1, starting at 0), so a weighted draw is one binary search. */
export function cumulative(weights: readonly number[]): Float64Array {
  const cum = new Float64Array(weights.length + 1);
  weights.forEach((w, i) => {
    cum[i + 1] = (cum[i] ?? 0) + w;
  });
  return cum;
}

/** A weighted index in [lo, hi). */
export function drawIndex(cum: Float64Array, rng: Rng, lo = 0, hi = cum.length - 1): number {
  const base = cum[lo] ?? 0;
  const x = base + rng.next() * ((cum[hi] ?? 0) - base);
  let l = lo;
  let h = hi - 1;
  while (l < h) {
    const m = (l + h + 1) >> 1;
    if ((cum[m] ?? 0) <= x) {
      l = m;
    } else {
      h = m - 1;
    }
  }
  return l;
}

/** Between 1 and `max` different items. */
export function pickSome(rng: Rng, items: readonly string[], max: number): string[] {
  const wanted = 1 + rng.int(max);
  const chosen = new Set<string>();
  while (chosen.size < wanted) {
    chosen.add(rng.pick(items));
  }
  return [...chosen];
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';

export function token(rng: Rng, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[rng.int(alphabet.length)];
  }
  return out;
}

export function digits(rng: Rng, length: number): string {
  return token(rng, length, '0123456789');
}

/** A value `draw` gives that is not in `taken` yet; it is added to it. */
export function unique(taken: Set<string>, draw: () => string): string {
  for (;;) {
    const value = draw();
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
}

/** A list written as whitespace-separated words: keeps long vocabularies on a few lines. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

export function numbers(text: string): number[] {
  return words(text).map(Number);
}
