/**
 * The value engine as the console sees it: the shapes of /v1/customers/:id/scores, /v1/rankings,
 * /v1/value-model, /v1/scoring-runs and /v1/overview/scores, and how their codes are worded.
 */
import type { Lang } from './i18n.tsx';
import type { MessageKey } from './i18n-dictionary.ts';

export const VALUE_NAMES = ['consumption', 'interaction', 'content', 'social'] as const;
export type ValueName = (typeof VALUE_NAMES)[number];
export type Band = 'super_user' | 'second_tier' | 'other';
export type RankingKind = 'super_user' | 'second_tier' | 'koc_candidate' | 'total';

export type Reason =
  | { code: 'super_user'; total: number; cutoff: number; share: number }
  | { code: 'second_tier'; total: number; cutoff: number; share: number }
  | { code: 'koc_candidate'; koc: number; min_score: number; consumption: number; min_lead: number }
  | { code: 'top_value'; value: ValueName; score: number };

export type RunRef = { id: number; as_of: string; model_version: number };

export type TagRow = { tag: string; source: string; since: string; reason: Record<string, unknown> | null };

export type ValueExplained = {
  score: number;
  weight: number;
  contribution: number;
  raw: number;
  /** A part's value is null only for a lifetime value the workspace has no models for. */
  parts: { input: string; value: number | null; contribution: number | null }[];
};

export type CustomerScores =
  | { customer_id: number; scored: false; tags: TagRow[] }
  | {
      customer_id: number;
      scored: true;
      scored_at: string;
      run: RunRef;
      rfm: {
        r: number;
        f: number;
        m: number;
        v: number;
        group: { code: string; names: { zh: string; en: string } } | null;
        orders: number;
        purchase_days: number;
        net_fen: number;
        last_order_at: string | null;
        workspace_means: { r: number; f: number; m: number } | null;
      };
      values: Record<ValueName, ValueExplained>;
      lifetime: null | {
        probability_alive: number;
        expected_purchases: { days: number; value: number };
        expected_average_spend_fen: number;
        lifetime_value_fen: { months: number; value: number };
      };
      total: number;
      koc: number;
      band: Band;
      koc_candidate: boolean;
      reasons: Reason[];
      tags: TagRow[];
    };

export type RankingRow = {
  customer_id: number;
  display: string | null;
  r: number;
  f: number;
  m: number;
  rfm_group: string;
  consumption: number;
  interaction: number;
  content: number;
  social: number;
  total: number;
  koc: number;
  band: Band;
  koc_candidate: boolean;
  reasons: Reason[];
};

export type RankingPage = { run: RunRef | null; rows: RankingRow[]; next_cursor: string | null };

export type Weights = Record<ValueName, number>;

export type ValueModelConfig = {
  weights: Weights;
  super_user_share: number;
  second_tier_share: number;
  koc: { min_score: number; min_lead_over_consumption: number };
  activity_days: { very_active: number; active: number; occasional: number };
};

export type ValueModel = {
  version: number;
  config: ValueModelConfig;
  created_by: string;
  created_at: string;
  last_run: (RunRef & { customers: number | null }) | null;
};

export type ScoringRun = {
  id: number;
  status: 'running' | 'done' | 'failed';
  step: string;
  progress: number;
  failure: string | null;
};

export type PreviewRow = {
  customer_id: number;
  display: string | null;
  total_now: number;
  total_new: number;
  rank_now: number;
  rank_new: number;
};

export type ScoreDistribution = {
  run: RunRef | null;
  customers: number;
  rfm_groups: { code: string; customers: number }[];
  bands: { band: Band; customers: number }[];
  koc_candidates: number;
  values: Record<ValueName, { from: number; to: number; customers: number }[]>;
};

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Scores are centiles and totals weighted sums of them: one decimal is all they mean. */
export function score(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

export function percent(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** A reason code with its numbers, as a sentence. */
export function reasonText(t: T, reason: Reason): string {
  switch (reason.code) {
    case 'super_user':
    case 'second_tier':
      return t(`reason.${reason.code}`, {
        total: score(reason.total),
        cutoff: score(reason.cutoff),
        share: percent(reason.share, reason.share < 0.01 ? 1 : 0),
      });
    case 'koc_candidate':
      return t('reason.koc_candidate', {
        koc: score(reason.koc),
        min: score(reason.min_score),
        lead: score(reason.koc - reason.consumption),
        minLead: score(reason.min_lead),
      });
    case 'top_value':
      return t('reason.top_value', { value: t(`value.${reason.value}`), score: reason.score });
  }
}

/** RFM group codes, worded (the API also gives the names on a customer's scores). */
export const RFM_GROUP_NAMES: Record<string, { zh: string; en: string }> = {
  important_value: { zh: '重要价值', en: 'Important value' },
  important_develop: { zh: '重要发展', en: 'Important to develop' },
  important_keep: { zh: '重要保持', en: 'Important to keep' },
  important_win_back: { zh: '重要挽留', en: 'Important to win back' },
  general_value: { zh: '一般价值', en: 'General value' },
  general_develop: { zh: '一般发展', en: 'General to develop' },
  general_keep: { zh: '一般保持', en: 'General to keep' },
  general_win_back: { zh: '一般挽留', en: 'General to win back' },
  none: { zh: '未购买', en: 'No purchase' },
};

export function rfmGroupName(code: string, lang: Lang): string {
  return RFM_GROUP_NAMES[code]?.[lang] ?? code;
}

const ACTIVITY: Record<string, { zh: string; en: string }> = {
  'activity:very_active': { zh: '极其活跃', en: 'Very active' },
  'activity:active': { zh: '一般活跃', en: 'Active' },
  'activity:occasional': { zh: '偶尔活跃', en: 'Occasional' },
  'activity:silent': { zh: '沉默', en: 'Silent' },
};
export const ACTIVITY_TAGS = Object.keys(ACTIVITY);

/** The steps a scoring run reports (RUN_STEPS in core's rescore-workspace.ts), worded. */
const RUN_STEP_NAMES: Record<string, { zh: string; en: string }> = {
  starting: { zh: '准备中', en: 'Starting' },
  aggregates: { zh: '重建聚合数据', en: 'Rebuilding the aggregates' },
  cutoffs: { zh: '计算分位门槛，拟合生命周期模型', en: 'Finding the cut-offs, fitting the lifetime models' },
  scores: { zh: '写入评分与标签', en: 'Writing scores and tags' },
  done: { zh: '完成', en: 'Done' },
};

/** A run's step as the operator reads it; a step this console does not know, as it is. */
export function runStepName(step: string, lang: Lang): string {
  return RUN_STEP_NAMES[step]?.[lang] ?? step;
}

/** `activity:silent` → 沉默, `shop:tmall` → 天猫 (via the shop names), anything else as it is. */
export function tagName(tag: string, lang: Lang, shop: (s: string) => string): string {
  const activity = ACTIVITY[tag];
  if (activity) {
    return activity[lang];
  }
  if (tag.startsWith('shop:')) {
    return shop(tag.slice(5));
  }
  return tag;
}

export const BAND_COLORS: Record<Band, string> = {
  super_user: 'volcano',
  second_tier: 'gold',
  other: 'default',
};

export const VALUE_COLORS: Record<ValueName, string> = {
  consumption: '#c2410c',
  interaction: '#0e7490',
  content: '#7c3aed',
  social: '#15803d',
};

/** The weights must add up to 1; compared in thousandths so that 0.1 + 0.2 is not a problem. */
export function weightsSum(w: Weights): number {
  return Math.round((w.consumption + w.interaction + w.content + w.social) * 1000) / 1000;
}

/** What the server computes for a total: the weighted sum of the four values. */
export function weightedTotal(values: Record<ValueName, number>, w: Weights): number {
  return VALUE_NAMES.reduce((n, v) => n + w[v] * values[v], 0);
}

/** What the server would refuse, said before it is sent (the server checks the same rules). */
export function modelProblems(c: ValueModelConfig): MessageKey[] {
  const problems: MessageKey[] = [];
  if (Math.abs(weightsSum(c.weights) - 1) > 1e-9) {
    problems.push('settings.weightsMustSum');
  }
  if (c.super_user_share <= 0) {
    problems.push('settings.superShareZero');
  }
  if (c.super_user_share + c.second_tier_share > 1) {
    problems.push('settings.sharesTooBig');
  }
  const d = c.activity_days;
  if (!(d.very_active > d.active && d.active > d.occasional && d.occasional >= 1)) {
    problems.push('settings.activityOrder');
  }
  return problems;
}
