import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  applyActivity,
  avoidJit,
  customersNamedBy,
  customersTouchedBy,
  foldContents,
  rebuildActivity,
  refreshDerived,
  settleRows,
} from './aggregates.queries.ts';
import { type Cutoffs, writeScoresOf } from './scores.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { refreshDerivedTags } from './tags.queries.ts';
import { findCurrentModel, findLastDoneRun, findModelVersion } from './value-models.queries.ts';

export type BatchEffects = {
  /** Row ids of the events the batch stored. */
  eventPks: readonly number[];
  /** Customers whose events changed hands (merges, regroups, undos): rebuilt from their events. */
  moved: readonly number[];
  /** Identities stored for the first time: pats that named them before now count for them. */
  newIdentityKeys?: readonly string[];
};

/**
 * Brings the aggregates, scores and tags of every customer a batch touched up to date, inside
 * the batch's transaction: a customer's tags and scores reflect an event as soon as it commits.
 * Scores are read against the cut-offs of the last full run (none before the first run).
 */
export async function maintainAggregates(
  db: Db,
  workspace: Workspace,
  effects: BatchEffects,
  now = new Date(),
) {
  const ws = workspace.id;
  const tz = workspace.timeZone;
  await avoidJit(db);
  await foldContents(db, ws, effects.eventPks);
  const touched = [
    ...new Set([
      ...(await customersTouchedBy(db, ws, effects.eventPks)),
      ...(await customersNamedBy(db, ws, effects.newIdentityKeys ?? [])),
      ...effects.moved,
    ]),
  ];
  if (touched.length === 0) {
    return;
  }
  await rebuildActivity(db, ws, tz, effects.moved);
  await applyActivity(db, ws, tz, effects.eventPks, effects.moved);
  await settleRows(db, ws, touched);
  await refreshDerived(db, ws, tz, touched);

  const run = await findLastDoneRun(db, ws);
  const { config } =
    (run && (await findModelVersion(db, ws, run.model_version))) ?? (await findCurrentModel(db, ws));
  const clock = scoringClock(tz, now, run?.as_of);
  await refreshDerivedTags(
    db,
    ws,
    config,
    { ...clock, asOf: now, modelVersion: run?.model_version ?? 0 },
    touched,
  );
  if (run?.cutoffs) {
    const scored = {
      runId: run.id,
      modelVersion: run.model_version,
      model: config,
      cutoffs: run.cutoffs as Cutoffs,
    };
    await writeScoresOf(db, ws, scored, clock, touched);
  }
}
