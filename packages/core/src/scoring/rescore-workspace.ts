import type { Db } from '../db/create-db.ts';
import { applyTagRules } from '../segments/apply-tag-rules.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { lockForRescoring, lockWorkspace } from '../workspaces/workspace-locks.queries.ts';
import { fitLifetimeModels } from './fit-lifetime-models.ts';
import { runUpkeep } from './maintain-aggregates.ts';
import { rebuildAggregates } from './rebuild-aggregates.ts';
import {
  findRfmCutoffs,
  lifetimeFactors,
  lifetimeSample,
  vacuumScores,
  writeAllScores,
} from './scores.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { refreshDerivedTags } from './tags.queries.ts';
import { findCurrentModel, insertRun, updateRun } from './value-models.queries.ts';

/** Buyers the lifetime models are fitted on (a deterministic sample of the workspace). */
const LIFETIME_SAMPLE = 20_000;
/**
 * The steps a run reports in `scoring_runs.step`, in order: a new run's default, the rebuild of the
 * aggregates (only when asked for), the cut-offs and lifetime fit, writing scores and tags, the end.
 */
export const RUN_STEPS = ['starting', 'aggregates', 'cutoffs', 'scores', 'done'] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/** The share of a run's progress its rebuild of the aggregates stands for, when it has one. */
const REBUILD_SHARE = 0.4;

export type RescoreOptions = {
  actor: string;
  now?: Date;
  /** Called once the run is logged, before any work: callers that answer at once need its id. */
  onStart?: (runId: number) => void;
  /** Called as the run moves on: a share of the work done (0–1) and the step's name. */
  onProgress?: (done: number, step: RunStep) => void;
  /**
   * First rebuild every customer's aggregates from their events (rebuild-aggregates.ts), as its
   * own steps of the run: what a change of the workspace's time zone needs, since business days
   * (active days, purchase days, days since the last order) are counted in it.
   */
  rebuildAggregates?: boolean;
};

export type RescoreResult = {
  run_id: number;
  model_version: number;
  customers: number;
  /** Score rows written: customers whose scores changed, new ones and ones gone. */
  changed: number;
};

/**
 * Scores every customer of a workspace from their aggregates: finds the workspace's cut-offs,
 * writes every score, sets the super-user and second-tier bands, brings the activity and rule
 * tags in line, vacuums both and, when many changed, refreshes their statistics. Ingestion waits
 * while the scores are written, so no event's own update is overwritten by a score computed before
 * it. The run is logged with its progress, its model version and the cut-offs that later
 * single-customer updates are scored against.
 */
export async function rescoreWorkspace(
  db: Db,
  workspace: Workspace,
  options: RescoreOptions,
): Promise<RescoreResult> {
  const ws = workspace.id;
  const now = options.now ?? new Date();
  const model = await findCurrentModel(db, ws);
  const runId = await insertRun(db, ws, model.version, now, options.actor);
  options.onStart?.(runId);
  const clock = scoringClock(workspace.timeZone, now);
  // A rebuild takes the first share of the run's progress; the scoring steps share the rest.
  const rebuildShare = options.rebuildAggregates ? REBUILD_SHARE : 0;
  const step = async (progress: number, name: RunStep) => {
    const done = rebuildShare + (1 - rebuildShare) * progress;
    await updateRun(db, ws, runId, { progress: done, step: name });
    options.onProgress?.(done, name);
  };
  try {
    if (options.rebuildAggregates) {
      // One transaction (ingestion waits), so its progress shows as one step.
      await updateRun(db, ws, runId, { progress: 0, step: 'aggregates' });
      options.onProgress?.(0, 'aggregates');
      await rebuildAggregates(db, workspace, { now });
    }
    // Customers a stopped process left queued get their aggregates before the cut-offs read them.
    await runUpkeep(db, workspace, now);
    // What needs no lifetime models is found on one connection while the models are fitted on
    // another: on a server the two share its cores, as DuckDB's threads do.
    await step(0, 'cutoffs');
    const [{ cutoffs, buyers }, lifetime] = await Promise.all([
      findRfmCutoffs(db, ws, clock),
      lifetimeSample(db, ws, clock, LIFETIME_SAMPLE).then(fitLifetimeModels),
    ]);
    const factors = lifetime ? lifetimeFactors(lifetime, buyers) : null;
    await step(0.35, 'scores');
    // The scores and the activity tags are written at once, on two connections (PGlite takes
    // them in turn), each in a transaction of its own that ingestion waits for; the rule tags
    // follow, since their filters may read both. A part that fails leaves what the other wrote:
    // derived state either way, which the next run brings in line.
    const run = { runId, modelVersion: model.version, model: model.config, cutoffs, factors };
    const [{ scored, written, cutoffs: found }] = await Promise.all([
      db.transaction().execute(async (trx) => {
        await lockForRescoring(trx, ws, 'scores');
        return writeAllScores(trx, ws, run, clock);
      }),
      db.transaction().execute(async (trx) => {
        await lockForRescoring(trx, ws, 'tags');
        await refreshDerivedTags(trx, ws, model.config, { ...clock, modelVersion: model.version }, null, {
          channels: false,
        });
      }),
    ]);
    await db.transaction().execute(async (trx) => {
      await lockWorkspace(trx, ws);
      await applyTagRules(trx, workspace, null, now);
      await updateRun(trx, ws, runId, {
        status: 'done',
        progress: 1,
        step: 'done',
        cutoffs: found,
        customers: scored,
      });
    });
    // Statistics when a tenth of the rows changed, as PostgreSQL's autovacuum would analyze them
    // (PGlite has none, and without them the first rankings and segment counts after a run are
    // planned as if the tables were empty); a run that moved few people leaves them as they were.
    await vacuumScores(db, { analyze: written * 10 >= scored });
    options.onProgress?.(1, 'done');
    return { run_id: runId, model_version: model.version, customers: scored, changed: written };
  } catch (error) {
    await updateRun(db, ws, runId, { status: 'failed', failure: String(error) });
    throw error;
  }
}
