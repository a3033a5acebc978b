import { z } from 'zod';
import type { ValueModelConfig } from '../db/database.ts';

const share = z.number().min(0).max(1);
const weight = z.number().min(0).max(1);
const days = z.number().int().min(0).max(30);

/**
 * A workspace's value model: how much each of the four values weighs in the total, who counts as
 * a super user or second-tier core (shares of the workspace by total), what makes a KOC candidate,
 * and the activity-tag thresholds (active days in the communities over the last 30 days).
 */
export const ValueModelSchema = z
  .object({
    weights: z
      .object({ consumption: weight, interaction: weight, content: weight, social: weight })
      .strict()
      .refine((w) => Math.abs(w.consumption + w.interaction + w.content + w.social - 1) < 1e-9, {
        message: 'weights must add up to 1',
      }),
    super_user_share: share.refine((s) => s > 0, { message: 'must be above 0' }),
    second_tier_share: share,
    koc: z
      .object({
        /** (content + social) / 2 at least this… */
        min_score: z.number().min(0).max(100),
        /** …and at least this far above the consumption value: they give more than they buy. */
        min_lead_over_consumption: z.number().min(-100).max(100),
      })
      .strict(),
    activity_days: z
      .object({ very_active: days, active: days, occasional: days })
      .strict()
      .refine((d) => d.very_active > d.active && d.active > d.occasional && d.occasional >= 1, {
        message: 'thresholds must fall: very_active > active > occasional >= 1',
      }),
  })
  .strict()
  .refine((m) => m.super_user_share + m.second_tier_share <= 1, {
    message: 'super_user_share + second_tier_share must not exceed 1',
  }) satisfies z.ZodType<ValueModelConfig>;

/** Version 1 of every workspace until an operator saves another. */
export const DEFAULT_VALUE_MODEL: ValueModelConfig = {
  weights: { consumption: 0.4, interaction: 0.2, content: 0.2, social: 0.2 },
  super_user_share: 0.01,
  second_tier_share: 0.04,
  koc: { min_score: 60, min_lead_over_consumption: 20 },
  activity_days: { very_active: 15, active: 5, occasional: 1 },
};

/** Activity tags, most active first (DESIGN.md glossary). */
export const ACTIVITY_TAGS = [
  { tag: 'activity:very_active', names: { zh: '极其活跃', en: 'Very active' } },
  { tag: 'activity:active', names: { zh: '一般活跃', en: 'Active' } },
  { tag: 'activity:occasional', names: { zh: '偶尔活跃', en: 'Occasional' } },
  { tag: 'activity:silent', names: { zh: '沉默', en: 'Silent' } },
] as const;
