/**
 * The eight classic RFM groups (DESIGN.md glossary): each customer's R, F and M is "↑" when it is
 * better than the workspace mean and "↓" otherwise, and the three arrows name the group. Pure; no I/O.
 *
 * What is compared: the 1–5 *scores* (rfm-scores.ts), each with the mean score of the workspace. Scores
 * already point the same way for all three measures (5 is always best, recency included: a recent
 * purchase is a high R score), and they are robust where raw means are not — one customer who spends
 * a fortune moves the mean spend so far that nearly everyone else becomes M↓, but moves the mean M
 * score by at most 4/n. So "R↑" means "R score above the workspace's mean R score", i.e. more recent
 * than the average customer as measured in fifths of the workspace.
 *
 * Exactly at the mean: "↑" means strictly better, so a score equal to the mean is "↓". When every
 * customer is alike (all score 1) nobody is better than the average and everyone is 一般挽留: the rule
 * never calls a customer important for being ordinary. The comparison is exact: score > mean is
 * evaluated as score × n > Σ scores on integers. As set-based SQL, per workspace:
 *
 *     r_score * count(*) OVER w > sum(r_score) OVER w   AS r_up   -- likewise f_up, m_up
 *     -- WINDOW w AS (PARTITION BY workspace_id)
 *
 * Operators who want other groups define a table (rfm-group-table.ts); `classicGroupTable` there
 * freezes this rule, at a workspace's current means, into such a table.
 */
import type { RfmScores } from './rfm-scores.ts';

export type Trend = 'up' | 'down';

export type ClassicGroup = {
  readonly code: string;
  readonly names: { readonly zh: string; readonly en: string };
  readonly r: Trend;
  readonly f: Trend;
  readonly m: Trend;
};

/** The eight groups, most valuable first; codes are stable (stored, exported, used in rules). */
export const CLASSIC_RFM_GROUPS = [
  { code: 'important_value', names: { zh: '重要价值', en: 'Important value' }, r: 'up', f: 'up', m: 'up' },
  {
    code: 'important_develop',
    names: { zh: '重要发展', en: 'Important to develop' },
    r: 'up',
    f: 'down',
    m: 'up',
  },
  { code: 'important_keep', names: { zh: '重要保持', en: 'Important to keep' }, r: 'down', f: 'up', m: 'up' },
  {
    code: 'important_win_back',
    names: { zh: '重要挽留', en: 'Important to win back' },
    r: 'down',
    f: 'down',
    m: 'up',
  },
  { code: 'general_value', names: { zh: '一般价值', en: 'General value' }, r: 'up', f: 'up', m: 'down' },
  {
    code: 'general_develop',
    names: { zh: '一般发展', en: 'General to develop' },
    r: 'up',
    f: 'down',
    m: 'down',
  },
  { code: 'general_keep', names: { zh: '一般保持', en: 'General to keep' }, r: 'down', f: 'up', m: 'down' },
  {
    code: 'general_win_back',
    names: { zh: '一般挽留', en: 'General to win back' },
    r: 'down',
    f: 'down',
    m: 'down',
  },
] as const satisfies readonly ClassicGroup[];

export type ClassicGroupCode = (typeof CLASSIC_RFM_GROUPS)[number]['code'];

/** The workspace totals the comparison needs: customer count and the sum of each score. */
export type ScoreTotals = {
  readonly count: number;
  readonly r: number;
  readonly f: number;
  readonly m: number;
};

export function scoreTotals(scores: readonly RfmScores[]): ScoreTotals {
  let r = 0;
  let f = 0;
  let m = 0;
  for (const s of scores) {
    r += s.r;
    f += s.f;
    m += s.m;
  }
  return { count: scores.length, r, f, m };
}

/** The mean scores, for display; null for an empty workspace. Decisions use the exact totals. */
export function scoreMeans(
  totals: ScoreTotals,
): { readonly r: number; readonly f: number; readonly m: number } | null {
  return totals.count === 0
    ? null
    : { r: totals.r / totals.count, f: totals.f / totals.count, m: totals.m / totals.count };
}

/** ↑ when the score is strictly above the workspace mean (score × n > Σ), else ↓. */
export function trendOf(score: number, sum: number, count: number): Trend {
  return score * count > sum ? 'up' : 'down';
}

function key(r: Trend, f: Trend, m: Trend): string {
  return `${r}/${f}/${m}`;
}

const BY_TRENDS: ReadonlyMap<string, ClassicGroup & { code: ClassicGroupCode }> = new Map(
  CLASSIC_RFM_GROUPS.map((g) => [key(g.r, g.f, g.m), g]),
);

/** One customer's classic group, given the workspace totals its scores belong to. */
export function classicGroupOf(score: RfmScores, totals: ScoreTotals): ClassicGroupCode {
  const group = BY_TRENDS.get(
    key(
      trendOf(score.r, totals.r, totals.count),
      trendOf(score.f, totals.f, totals.count),
      trendOf(score.m, totals.m, totals.count),
    ),
  );
  if (group === undefined) {
    throw new Error('unreachable: the eight groups cover every combination of trends');
  }
  return group.code;
}

/** Every customer's classic group (same order as `scores`), with the totals and means used. */
export function classicGroups(scores: readonly RfmScores[]): {
  readonly totals: ScoreTotals;
  readonly groups: ClassicGroupCode[];
} {
  const totals = scoreTotals(scores);
  return { totals, groups: scores.map((s) => classicGroupOf(s, totals)) };
}

/** The definition (names, trends) of a classic group code. */
export function classicGroup(code: ClassicGroupCode): ClassicGroup {
  const group = CLASSIC_RFM_GROUPS.find((g) => g.code === code);
  if (group === undefined) {
    throw new RangeError(`no classic RFM group ${code}`);
  }
  return group;
}
