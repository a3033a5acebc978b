import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { lockWorkspace } from '../workspaces/workspace-locks.queries.ts';
import { refreshDerived, replaceWithRebuilt, stageRebuild } from './aggregates.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { refreshDerivedTags } from './tags.queries.ts';
import { clearUpkeep } from './upkeep.queries.ts';
import { findCurrentModel } from './value-models.queries.ts';

export type RebuildOptions = {
  /** The clock the derived tags are given as of. */
  now?: Date;
  /** Hears each step's name as it starts. */
  onStep?: (step: string) => void;
};

/**
 * Rebuilds every customer's aggregates and derived tags of a workspace from its events, orders
 * and contents, set-based, in one transaction (ingestion waits): what a bulk load that deferred
 * them (the demo brand) does once at its end, a repair after a change of definitions, and the
 * benchmarks' loader. It gives exactly what keeping them batch by batch gives (aggregates.test.ts).
 */
export async function rebuildAggregates(db: Db, workspace: Workspace, options: RebuildOptions = {}) {
  await db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, workspace.id);
    await clearUpkeep(trx, workspace.id);
    options.onStep?.('activity');
    await stageRebuild(trx, workspace.id, workspace.timeZone);
    options.onStep?.('derived');
    await refreshDerived(trx, workspace.id, workspace.timeZone, null, 'rebuilt_stats');
    await replaceWithRebuilt(trx, workspace.id);
    options.onStep?.('tags');
    const model = await findCurrentModel(trx, workspace.id);
    const clock = scoringClock(workspace.timeZone, options.now ?? new Date());
    await refreshDerivedTags(
      trx,
      workspace.id,
      model.config,
      { ...clock, modelVersion: model.version },
      null,
    );
    options.onStep?.('done');
  });
}
