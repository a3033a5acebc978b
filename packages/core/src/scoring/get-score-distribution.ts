import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { CLASSIC_RFM_GROUPS } from './rfm-groups.ts';
import { scoreDistribution, VALUE_NAMES, type ValueName } from './score-distribution.queries.ts';
import { findLastDoneRun } from './value-models.queries.ts';

/** Buckets of a value's histogram: 0–9, 10–19 … 90–99 (values are 0–99 centiles). */
const BUCKETS = 10;

/**
 * The overview's value-engine charts: customers per RFM group (most valuable first, 'none' for
 * non-buyers), per band, KOC candidates, and a ten-bucket histogram of each of the four values,
 * as of the last finished run. Every group and bucket is listed, with 0 where nobody is.
 */
export async function getScoreDistribution(db: Db, workspace: Workspace) {
  const [run, rows] = await Promise.all([
    findLastDoneRun(db, workspace.id),
    scoreDistribution(db, workspace.id),
  ]);
  const count = (facet: string, key: string) =>
    rows.find((r) => r.facet === facet && r.key === key)?.customers ?? 0;
  const values = Object.fromEntries(
    VALUE_NAMES.map((name) => [
      name,
      Array.from({ length: BUCKETS }, (_, b) => ({
        from: b * 10,
        to: b * 10 + 9,
        customers: count(name, String(b)),
      })),
    ]),
  ) as Record<ValueName, { from: number; to: number; customers: number }[]>;
  return {
    run: run ? { id: run.id, as_of: run.as_of, model_version: run.model_version } : null,
    customers: rows.filter((r) => r.facet === 'band').reduce((n, r) => n + r.customers, 0),
    rfm_groups: [...CLASSIC_RFM_GROUPS.map((g) => g.code), 'none'].map((code) => ({
      code,
      customers: count('rfm_group', code),
    })),
    bands: (['super_user', 'second_tier', 'other'] as const).map((band) => ({
      band,
      customers: count('band', band),
    })),
    koc_candidates: count('koc_candidate', 'true'),
    values,
  };
}

export type ScoreDistribution = Awaited<ReturnType<typeof getScoreDistribution>>;
