/** Small helpers the parts of bench/scoring share. */
export type Timed = { runs: number[]; median: number };

export function median(xs: readonly number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-quantile of a sample (nearest rank). */
export function quantile(xs: readonly number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

export function mib(bytes: number) {
  return Math.round(bytes / 2 ** 20);
}

export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await f();
  return [value, (performance.now() - t) / 1000];
}
