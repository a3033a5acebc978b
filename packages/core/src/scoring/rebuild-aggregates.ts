import type { Db } from '../db/create-db.ts';
import { lockWorkspaceIngest } from '../events/events.queries.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { rebuildAllActivity, refreshDerived } from './aggregates.queries.ts';

/**
 * Rebuilds every customer's aggregates of a workspace from its events, orders and contents, in
 * one transaction (ingestion waits): a repair after a bulk load or a change of definitions, and
 * the benchmarks' loader. `onStep` hears each step's name as it starts.
 */
export async function rebuildAggregates(db: Db, workspace: Workspace, onStep?: (step: string) => void) {
  await db.transaction().execute(async (trx) => {
    await lockWorkspaceIngest(trx, workspace.id);
    onStep?.('activity');
    await rebuildAllActivity(trx, workspace.id, workspace.timeZone);
    onStep?.('derived');
    await refreshDerived(trx, workspace.id, workspace.timeZone, null);
    onStep?.('done');
  });
}
