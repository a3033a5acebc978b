import type { ValueModelConfig } from '../db/database.ts';

/**
 * Why a customer is in their band, as codes with the numbers behind them (the console words them
 * in Chinese or English). Pure.
 */
export type Reason =
  | { code: 'super_user'; total: number; cutoff: number; share: number }
  | { code: 'second_tier'; total: number; cutoff: number; share: number }
  | { code: 'koc_candidate'; koc: number; min_score: number; consumption: number; min_lead: number }
  | { code: 'top_value'; value: 'consumption' | 'interaction' | 'content' | 'social'; score: number };

export type ScoredCustomer = {
  band: 'super_user' | 'second_tier' | 'other';
  koc_candidate: boolean;
  total: number;
  koc: number;
  consumption: number;
  interaction: number;
  content: number;
  social: number;
};

const VALUES = ['consumption', 'interaction', 'content', 'social'] as const;

/** Values at or above this centile are named as a reason of their own. */
const STRONG = 80;

export function scoreReasons(
  s: ScoredCustomer,
  model: ValueModelConfig,
  cutoffs: { super_user: number | null; second_tier: number | null },
): Reason[] {
  const reasons: Reason[] = [];
  if (s.band === 'super_user' && cutoffs.super_user !== null) {
    reasons.push({
      code: 'super_user',
      total: s.total,
      cutoff: cutoffs.super_user,
      share: model.super_user_share,
    });
  }
  if (s.band === 'second_tier' && cutoffs.second_tier !== null) {
    reasons.push({
      code: 'second_tier',
      total: s.total,
      cutoff: cutoffs.second_tier,
      share: model.second_tier_share,
    });
  }
  if (s.koc_candidate) {
    reasons.push({
      code: 'koc_candidate',
      koc: s.koc,
      min_score: model.koc.min_score,
      consumption: s.consumption,
      min_lead: model.koc.min_lead_over_consumption,
    });
  }
  for (const value of VALUES) {
    if (s[value] >= STRONG) {
      reasons.push({ code: 'top_value', value, score: s[value] });
    }
  }
  return reasons;
}
