import type { Db } from '../db/create-db.ts';
import { lockWorkspaceIngest } from '../events/events.queries.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { rebuildAllActivity, refreshDerived } from './aggregates.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { refreshDerivedTags } from './tags.queries.ts';
import { findCurrentModel } from './value-models.queries.ts';

/**
 * Rebuilds every customer's aggregates and derived tags of a workspace from its events and orders,
 * set-based: what a bulk load that deferred them (the demo brand) does once at its end, and a
 * repair. It gives exactly what keeping them batch by batch gives (aggregates.test.ts).
 */
export async function rebuildAggregates(db: Db, workspace: Workspace, now = new Date()) {
  await db.transaction().execute(async (trx) => {
    await lockWorkspaceIngest(trx, workspace.id);
    await rebuildAllActivity(trx, workspace.id, workspace.timeZone);
    await refreshDerived(trx, workspace.id, workspace.timeZone, null);
    const model = await findCurrentModel(trx, workspace.id);
    const clock = scoringClock(workspace.timeZone, now);
    await refreshDerivedTags(
      trx,
      workspace.id,
      model.config,
      { ...clock, modelVersion: model.version },
      null,
    );
  });
}
