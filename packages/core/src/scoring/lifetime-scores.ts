/**
 * One customer's lifetime figures from the two fitted models, in one call — what a profile shows and
 * what the store writes per customer.
 */
import {
  type BgNbdParams,
  type CustomerHistory,
  conditionalExpectedPurchases,
  probabilityAlive,
} from './bg-nbd.ts';
import {
  conditionalExpectedAverageSpend,
  customerLifetimeValue,
  type GammaGammaParams,
  type LifetimeValueOptions,
  type SpendHistory,
} from './gamma-gamma.ts';

/** Days ahead a profile's expected purchases look, and months a lifetime value sums. */
export const HORIZON_DAYS = 90;
export const CLV_MONTHS = 12;

export type LifetimeModels = { readonly purchases: BgNbdParams; readonly spend: GammaGammaParams };

export type LifetimeScores = {
  /** P(still a customer at the end of observation). */
  readonly probabilityAlive: number;
  /** Expected purchases in the next `horizon` time units. */
  readonly expectedPurchases: number;
  /** Expected spend per future purchase, money units. */
  readonly expectedAverageSpend: number;
  /** Discounted expected spend over `months` months, money units. */
  readonly lifetimeValue: number;
};

export function lifetimeScores(
  models: LifetimeModels,
  customer: CustomerHistory & SpendHistory,
  options: LifetimeValueOptions & { readonly horizon: number },
): LifetimeScores {
  const { frequency: x, recency, T, monetaryValue } = customer;
  return {
    probabilityAlive: probabilityAlive(models.purchases, x, recency, T),
    expectedPurchases: conditionalExpectedPurchases(models.purchases, options.horizon, x, recency, T),
    expectedAverageSpend: conditionalExpectedAverageSpend(models.spend, x, monetaryValue),
    lifetimeValue: customerLifetimeValue(models.purchases, models.spend, customer, options),
  };
}
