/**
 * Customer-lifetime scoring, pure domain code: BG/NBD (P(alive), expected purchases) and Gamma-Gamma
 * (expected spend, CLV) fitted by maximum likelihood on the per-customer summaries of
 * `purchase-summary.ts`. Time is in the summaries' unit (days or weeks), money in their minor units.
 */
export {
  type BgNbdFit,
  type BgNbdParams,
  type BgNbdRow,
  bgNbdLogLikelihood,
  type CustomerHistory,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
} from './bg-nbd.ts';
export {
  conditionalExpectedAverageSpend,
  customerLifetimeValue,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  type GammaGammaRow,
  gammaGammaLogLikelihood,
  type LifetimeValueOptions,
  type SpendHistory,
  UNITS_PER_MONTH,
} from './gamma-gamma.ts';
export { type LifetimeModels, type LifetimeScores, lifetimeScores } from './lifetime-scores.ts';
