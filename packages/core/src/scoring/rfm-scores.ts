/**
 * RFM scores 1–5 by quintiles within a workspace — Hatchery's own rule (the peers' rules, which
 * differ, are reproduced separately in pymc-rfm-segments.ts and r-rfm-table.ts). Pure; no I/O.
 *
 * The rule, for one measure over the n customers of a workspace:
 *
 *     score = 1 + floor(5 × worse / n)
 *
 * where `worse` is the number of customers whose value is strictly worse (fewer purchase days, less
 * spend, more days since the last purchase). A score of s therefore means "at least (s − 1) fifths of
 * the workspace are strictly worse than you, and fewer than s fifths are".
 *
 * Ties. Equal values always get equal scores, because `worse` depends only on the value: never on row
 * order or customer id. A group of tied customers gets the score of the fifth in which the group
 * *starts* (where its lowest-placed member would stand), not of its middle: equal customers beat
 * nobody among themselves. Consequences, all intended and tested:
 * - the worst value always scores 1; everyone equal (or one customer) → everyone scores 1;
 * - a tie group that spans several fifths leaves the scores above its own unused until the next value:
 *   if 70 % bought once, they all score F = 1 (worse = 0); the next value (two purchase days) starts at
 *   worse = 70 % and scores 4, so F = 2 and F = 3 are unused. In general a score s is used exactly when
 *   some value's `worse` lies in [(s − 1)·n/5, s·n/5);
 * - the best value scores 5 only if at least 80 % of customers are strictly worse than it: when 30 %
 *   bought today, they all score R = 4 and R = 5 is unused.
 * With distinct values the scores are the classic quintiles: n = 10 gives 1,1,2,2,3,3,4,4,5,5.
 *
 * Everything is integer arithmetic (worse and n are counts), so it is exact and deterministic;
 * sorting makes it O(n log n). The same rule as set-based SQL, per workspace (checked against this
 * implementation on PostgreSQL/PGlite in rfm-scores.sql.test.ts) — rank() − 1 is `worse`, and bigint
 * division truncates, which is floor for these non-negative numbers:
 *
 *     1 + (5 * (rank() OVER (PARTITION BY workspace_id ORDER BY recency_days DESC) - 1))
 *           / count(*) OVER (PARTITION BY workspace_id)                                  AS r_score,
 *     1 + (5 * (rank() OVER (PARTITION BY workspace_id ORDER BY purchase_days ASC) - 1))
 *           / count(*) OVER (PARTITION BY workspace_id)                                  AS f_score,
 *     1 + (5 * (rank() OVER (PARTITION BY workspace_id ORDER BY total_spend ASC) - 1))
 *           / count(*) OVER (PARTITION BY workspace_id)                                  AS m_score
 *
 * and for mean spend `ORDER BY total_spend::float8 / purchase_days` (IEEE double division, as here:
 * equal means are equal doubles, since division is correctly rounded). `percent_rank()` is the same
 * rank scaled by n − 1 instead of n, so `1 + floor(5 * percent_rank() * (n - 1) / n)`; `ntile(5)` is
 * NOT the same (it splits tie groups by row order).
 *
 * Only customers with at least one purchase in the window are scored (the classic RFM row is null for
 * the others); they are not "F = 0" customers dragging the quintiles down.
 */
import type { ClassicRfm } from './purchase-summary.ts';

export type Score = 1 | 2 | 3 | 4 | 5;

/** Which direction of a measure is better: more purchase days and spend, fewer days since the last purchase. */
export type Better = 'higher' | 'lower';

const SCORES: readonly Score[] = [1, 2, 3, 4, 5];

/**
 * Each value's score (same positions as `values`) by the rule above. Values must be finite; with
 * `better: 'lower'` the order is reversed (recency: the most recent scores 5).
 */
export function quintileScores(values: readonly number[], better: Better): Score[] {
  const n = values.length;
  for (const value of values) {
    if (!Number.isFinite(value)) {
      throw new RangeError(`RFM values must be finite numbers: ${value}`);
    }
  }
  const worseFirst = better === 'higher' ? 1 : -1;
  const order = values.map((_, i) => i);
  order.sort((a, b) => worseFirst * compare(values[a] ?? 0, values[b] ?? 0));
  const scores = new Array<Score>(n);
  let start = 0;
  while (start < n) {
    const value = values[order[start] ?? 0];
    let end = start + 1;
    while (end < n && values[order[end] ?? 0] === value) {
      end += 1;
    }
    // `start` customers are strictly worse than this tie group: exact integer floor(5 · start / n).
    const fifths = (5 * start - ((5 * start) % n)) / n;
    const score = SCORES[fifths] ?? 5;
    for (let k = start; k < end; k += 1) {
      scores[order[k] ?? 0] = score;
    }
    start = end;
  }
  return scores;
}

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What M measures: `total` spend in the window (the default: "spends much"; R's rfm package) or the
 * `mean` spend per purchase day (pymc-marketing). Both in integer minor units; the mean is the double
 * `totalSpend / frequency`.
 */
export type MonetaryBasis = 'total' | 'mean';

/** The classic RFM row of one customer (purchase-summary.ts `classicRfm`): what the scores are computed from. */
export type RfmRow = Pick<ClassicRfm, 'recency' | 'frequency' | 'totalSpend'>;

export type RfmScores = { readonly r: Score; readonly f: Score; readonly m: Score };

export type ScoreRfmOptions = { readonly monetary?: MonetaryBasis };

/** The monetary value the scores rank: total, or mean per purchase period. */
export function monetaryValueOf(row: RfmRow, basis: MonetaryBasis): number {
  return basis === 'total' ? row.totalSpend : row.totalSpend / row.frequency;
}

/**
 * Every customer's R, F and M score within the workspace `rows` (one row per customer with a purchase
 * in the window), in the same order as `rows`.
 */
export function scoreRfm(rows: readonly RfmRow[], options: ScoreRfmOptions = {}): RfmScores[] {
  const basis = options.monetary ?? 'total';
  for (const row of rows) {
    if (!(row.frequency >= 1)) {
      throw new RangeError(`an RFM row needs at least one purchase period: frequency ${row.frequency}`);
    }
  }
  const r = quintileScores(
    rows.map((row) => row.recency),
    'lower',
  );
  const f = quintileScores(
    rows.map((row) => row.frequency),
    'higher',
  );
  const m = quintileScores(
    rows.map((row) => monetaryValueOf(row, basis)),
    'higher',
  );
  return rows.map((_, i) => ({ r: r[i] ?? 1, f: f[i] ?? 1, m: m[i] ?? 1 }));
}
