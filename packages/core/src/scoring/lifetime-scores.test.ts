import { expect, test } from 'vitest';
import { conditionalExpectedPurchases, probabilityAlive } from './bg-nbd.ts';
import { conditionalExpectedAverageSpend, customerLifetimeValue } from './gamma-gamma.ts';
import { lifetimeScores } from './lifetime-scores.ts';

test('gathers the four figures of one customer (CDNOW sample id 1, published parameters, weeks)', () => {
  const models = {
    purchases: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 },
    spend: { p: 6.25, q: 3.74, v: 15.44 },
  };
  const customer = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };
  const scores = lifetimeScores(models, customer, { unit: 'weeks', horizon: 39 });
  expect(scores).toEqual({
    probabilityAlive: probabilityAlive(models.purchases, 2, 30.43, 38.86),
    expectedPurchases: conditionalExpectedPurchases(models.purchases, 39, 2, 30.43, 38.86),
    expectedAverageSpend: conditionalExpectedAverageSpend(models.spend, 2, 22.35),
    lifetimeValue: customerLifetimeValue(models.purchases, models.spend, customer, { unit: 'weeks' }),
  });
  expect(scores.expectedPurchases).toBeCloseTo(1.226, 3);
  expect(scores.expectedAverageSpend).toBeCloseTo(24.65, 1);
});
