import { fitBgNbd } from './bg-nbd.ts';
import { fitGammaGamma } from './gamma-gamma.ts';
import type { LifetimeModels } from './lifetime-scores.ts';

type SampleRow = { frequency: number; recency: number; T: number; monetaryValue: number; count: number };

/** Fewer repeat buyers than this make parameters that mean little: no lifetime figures then. */
const MIN_REPEAT_BUYERS = 20;

/**
 * Fits BG/NBD and Gamma-Gamma (in days, money in fen) on a workspace's sample, or gives null when
 * the sample is too small or a fit does not converge: the rest of scoring goes on without it.
 */
export function fitLifetimeModels(sample: readonly SampleRow[]): LifetimeModels | null {
  const repeat = sample.filter((r) => r.frequency > 0 && r.monetaryValue > 0);
  if (repeat.reduce((n, r) => n + r.count, 0) < MIN_REPEAT_BUYERS) {
    return null;
  }
  const purchases = fitBgNbd(sample);
  const spend = fitGammaGamma(repeat);
  // q ≤ 1 would make the expected spend infinite; such a fit describes no real brand.
  if (!purchases.converged || !spend.converged || spend.params.q <= 1) {
    return null;
  }
  return { purchases: purchases.params, spend: spend.params };
}
