import type { Db } from '../db/create-db.ts';
import { applyTagRules } from '../segments/apply-tag-rules.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { findWorkspaceTimeZone } from '../workspaces/workspaces.queries.ts';
import {
  applyActivity,
  avoidJit,
  type BatchEvent,
  customersNamedBy,
  customersOfKeys,
  dropMergedAway,
  ensureRows,
  foldContents,
  rebuildActivity,
  refreshContents,
  refreshPatsReceived,
  refreshPurchases,
} from './aggregates.queries.ts';
import { type Cutoffs, writeScoresOf } from './scores.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { refreshDerivedTags } from './tags.queries.ts';
import { findCurrentModel, findLastDoneRun, findModelVersion } from './value-models.queries.ts';

export type { BatchEvent } from './aggregates.queries.ts';

export type BatchEffects = {
  /** The events the batch stored, with the customer each was stored for. */
  events: readonly BatchEvent[];
  /** Customers whose events changed hands (merges, regroups, undos): rebuilt from their events. */
  moved: readonly number[];
  /** Identities stored for the first time: pats that named them before now count for them. */
  newIdentityKeys?: readonly string[];
};

const ORDER_KINDS = new Set(['order.paid', 'order.refunded', 'order.items']);

/**
 * Brings the aggregates, scores and tags of every customer a batch touched up to date, inside
 * the batch's transaction: a customer's tags and scores reflect an event as soon as it commits.
 * Each part is re-read only for the customers whose events can change it (orders for buyers,
 * received pats for the people named), and everything for customers whose events moved. Scores
 * are read against the cut-offs of the last full run (none before the first run).
 */
export async function maintainAggregates(
  db: Db,
  workspace: Workspace,
  effects: BatchEffects,
  now = new Date(),
) {
  const ws = workspace.id;
  await avoidJit(db);
  const moved = new Set(effects.moved);
  // Events of moved customers are counted by the rebuild; the customer they were stored for is
  // among the moved ones even when a regroup in the batch re-pointed them.
  const staying = effects.events.filter((e) => !moved.has(e.customerId));
  const targetKeys = [
    ...new Set(
      effects.events.flatMap((e) => {
        const key =
          e.kind === 'pat' ? (e.properties.target as { key?: unknown } | undefined)?.key : undefined;
        return typeof key === 'string' ? [key] : [];
      }),
    ),
  ];
  const patted = [
    ...(await customersOfKeys(db, ws, targetKeys)),
    ...(await customersNamedBy(db, ws, effects.newIdentityKeys ?? [])),
  ];
  const contentOwners = await foldContents(db, ws, effects.events);
  const buyers = staying.filter((e) => ORDER_KINDS.has(e.kind)).map((e) => e.customerId);
  const touched = unique([...staying.map((e) => e.customerId), ...moved, ...patted, ...contentOwners]);
  if (touched.length === 0) {
    return;
  }

  // The zone in force now, read under the caller's ingest lock rather than taken from the
  // caller's Workspace: an import that began before a time-zone change folds its later batches
  // in the new zone, and the rebuild that follows the change then leaves nothing in the old one.
  const tz = (await findWorkspaceTimeZone(db, ws)) ?? workspace.timeZone;
  const current = tz === workspace.timeZone ? workspace : Object.freeze({ ...workspace, timeZone: tz });
  await rebuildActivity(db, ws, tz, [...moved]);
  await applyActivity(db, ws, tz, staying);
  await ensureRows(db, ws, touched);
  await dropMergedAway(db, ws, [...moved]);
  await refreshPurchases(db, ws, tz, unique([...buyers, ...moved]));
  await refreshContents(db, ws, unique([...contentOwners, ...moved]));
  await refreshPatsReceived(db, ws, unique([...patted, ...moved]));

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
  // Rule tags after the scores and derived tags their filters may read.
  await applyTagRules(db, current, touched, now);
}

function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}
