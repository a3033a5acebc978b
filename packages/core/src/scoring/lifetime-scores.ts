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
import { businessDay } from './calendar-day.ts';
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

/** What the lifetime models read of a buyer's aggregates (customer_stats). */
export type BuyerAggregates = {
  order_days: number;
  net_fen: number;
  first_day_fen: number;
  first_order_at: Date;
  last_order_at: Date;
};

/**
 * A buyer's lifetime summary in business days as of `now`: repeat purchase days, age at the last
 * purchase and now, and the mean spend of the repeat days (lifetimeSample reads the same in SQL).
 */
export function buyerHistory(
  s: BuyerAggregates,
  timeZone: string,
  now: Date,
): CustomerHistory & SpendHistory {
  const first = businessDay(s.first_order_at, timeZone);
  const frequency = s.order_days - 1;
  return {
    frequency,
    recency: businessDay(s.last_order_at, timeZone) - first,
    T: businessDay(now, timeZone) - first,
    monetaryValue: frequency > 0 ? (s.net_fen - s.first_day_fen) / frequency : 0,
  };
}

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
