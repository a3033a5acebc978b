import type { Db } from '../db/create-db.ts';
import { type EventRange, relaxDurability } from '../events/events.queries.ts';
import { applyTagRules } from '../segments/apply-tag-rules.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { lockWorkspaceUpkeep } from '../workspaces/workspace-locks.queries.ts';
import { findWorkspaceTimeZone } from '../workspaces/workspaces.queries.ts';
import {
  type BatchEvent,
  customersNamedBy,
  customersOfKeys,
  dropMergedAway,
  foldContents,
  referrersOf,
  referrersOfKeys,
  refreshBrought,
  refreshContents,
  refreshPatsReceived,
  refreshPurchases,
} from './aggregates.queries.ts';
import { type Cutoffs, writeScoresOf } from './scores.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { refreshDerivedTags } from './tags.queries.ts';
import { queueUpkeep, takeUpkeep, UpkeepPart } from './upkeep.queries.ts';
import { findCurrentModel, findLastDoneRun, findModelVersion } from './value-models.queries.ts';

export type { BatchEvent } from './aggregates.queries.ts';

export type BatchEffects = {
  /** The events the batch stored, with the customer each was stored for. */
  events: readonly BatchEvent[];
  /** The ids they were stored under (none for an undo). */
  stored?: EventRange;
  /** Customers whose events changed hands (merges, regroups, undos): rebuilt from their events. */
  moved: readonly number[];
  /** Identities stored for the first time: pats and referrals that named them before now count. */
  newIdentityKeys?: readonly string[];
};

const ORDER_KINDS = new Set(['order.paid', 'order.refunded', 'order.items']);
const ALL_PARTS =
  UpkeepPart.purchases | UpkeepPart.contents | UpkeepPart.pats | UpkeepPart.brought | UpkeepPart.moved;

/**
 * The part of the upkeep in the batch's own transaction (under the ingest lock): contents are
 * folded from the batch's content events, and every customer whose aggregates the batch can
 * change is queued, with what to re-read and the batch's range of event ids, for `refreshQueued`.
 * Returns whether anything was queued.
 */
export async function foldBatch(db: Db, workspace: Workspace, effects: BatchEffects): Promise<boolean> {
  const ws = workspace.id;
  const targetKeys = namedKeys(effects.events, 'pat', 'target');
  const inviteeKeys = namedKeys(effects.events, 'referral', 'invitee');
  const parts = new Map<number, number>();
  const mark = (ids: Iterable<number>, part: number) => {
    for (const id of ids) {
      parts.set(id, (parts.get(id) ?? 0) | part);
    }
  };
  mark(
    effects.events.map((e) => e.customerId),
    0,
  );
  mark(
    effects.events.filter((e) => ORDER_KINDS.has(e.kind)).map((e) => e.customerId),
    UpkeepPart.purchases,
  );
  mark(await foldContents(db, ws, effects.events), UpkeepPart.contents);
  mark(await customersOfKeys(db, ws, targetKeys), UpkeepPart.pats);
  mark(await customersNamedBy(db, ws, effects.newIdentityKeys ?? []), UpkeepPart.pats);
  // A referral may take a person over from whoever had named them later, and a person appearing
  // for the first time may be someone's invitee.
  mark(
    await referrersOfKeys(db, ws, [...inviteeKeys, ...(effects.newIdentityKeys ?? [])]),
    UpkeepPart.brought,
  );
  // Everything is recounted for customers whose events changed hands (among them, the customer
  // an event was stored for when a regroup in the batch re-pointed it).
  mark(effects.moved, ALL_PARTS);
  if (parts.size === 0) {
    return false;
  }
  await queueUpkeep(
    db,
    ws,
    [...parts].map(([customerId, p]) => ({ customerId, parts: p })),
    effects.stored ?? null,
  );
  return true;
}

/** The identity keys that a batch's events of `kind` name in `field` (a pat's target, a referral's invitee). */
function namedKeys(events: readonly BatchEvent[], kind: string, field: string) {
  const keys = events.flatMap((e) => {
    const key = e.kind === kind ? (e.properties[field] as { key?: unknown } | undefined)?.key : undefined;
    return typeof key === 'string' ? [key] : [];
  });
  return [...new Set(keys)];
}

/**
 * The upkeep as its own transaction, under the upkeep lock: refreshes every queued customer of
 * the workspace. It commits without waiting for the WAL flush: everything it writes is derived,
 * and should a crash lose the commit, the queue rows it took come back and are taken again.
 */
export async function runUpkeep(db: Db, workspace: Workspace, now = new Date()) {
  await db.transaction().execute(async (trx) => {
    await relaxDurability(trx);
    await lockWorkspaceUpkeep(trx, workspace.id);
    await refreshQueued(trx, workspace, now);
  });
}

/**
 * The upkeep once events are committed: a failure loses nothing (the queue rows stay, taken by the
 * next upkeep), so it is logged, not thrown at a caller whose events are stored.
 */
export async function upkeepAfterCommit(db: Db, workspace: Workspace, now: Date): Promise<void> {
  await runUpkeep(db, workspace, now).catch((error: unknown) => {
    console.error(`upkeep of workspace ${workspace.slug} deferred to the next batch: ${String(error)}`);
  });
}

/**
 * Brings the aggregates, scores and tags of every queued customer up to date, in the caller's
 * transaction, which holds the upkeep lock: activity first (takeUpkeep), then each part re-read
 * only for the customers whose events can change it (orders for buyers, received pats for the
 * people named, people brought for whoever invited them, everything for customers whose events
 * moved). Customers merged away lose their
 * rows. Scores are read against the cut-offs of the last full run (none before the first run).
 */
export async function refreshQueued(db: Db, workspace: Workspace, now: Date) {
  const ws = workspace.id;
  // The zone in force now, read under the upkeep lock rather than taken from the caller's
  // Workspace: a time-zone change takes the lock too, so nothing is folded in a zone no longer
  // in force, and the rebuild that follows the change leaves nothing in the old one.
  const tz = (await findWorkspaceTimeZone(db, ws)) ?? workspace.timeZone;
  const current = tz === workspace.timeZone ? workspace : Object.freeze({ ...workspace, timeZone: tz });
  const queued = await takeUpkeep(db, ws, tz);
  if (queued.length === 0) {
    return;
  }
  await dropMergedAway(
    db,
    ws,
    queued.filter((q) => q.parts & UpkeepPart.moved).map((q) => q.customerId),
  );
  const live = queued.filter((q) => q.live);
  const having = (part: number) => live.filter((q) => q.parts & part).map((q) => q.customerId);
  await refreshPurchases(db, ws, tz, having(UpkeepPart.purchases));
  await refreshContents(db, ws, having(UpkeepPart.contents));
  await refreshPatsReceived(db, ws, having(UpkeepPart.pats));
  // Whoever brought a buyer, or a person whose identities moved, brought a different value now:
  // they are refreshed and rescored with the queued customers.
  const referrers = await referrersOf(db, ws, having(UpkeepPart.purchases | UpkeepPart.moved));
  await refreshBrought(db, ws, [...new Set([...having(UpkeepPart.brought), ...referrers])]);
  const touched = [...new Set([...live.map((q) => q.customerId), ...referrers])];

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
