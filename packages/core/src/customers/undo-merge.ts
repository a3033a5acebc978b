import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import {
  findIdentitiesById,
  insertMove,
  moveIdentities,
  reattachMoved,
  setMergedInto,
} from '../identities/identities.queries.ts';
import { dropManualTagCopies } from '../scoring/aggregates.queries.ts';
import { foldBatch, refreshQueued } from '../scoring/maintain-aggregates.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { lockWorkspace } from '../workspaces/workspace-locks.queries.ts';
import { findMove, markMoveUndone, resolveCustomerId } from './customers.queries.ts';

/**
 * Undoes one logged move (a merge or a regroup): the identities it moved go back to the
 * customer they came from, and with them — through their anchors — their events, orders and
 * community memberships; the copies of its manual tags leave the profile (the customer kept its
 * own). The undo is itself logged, and audited.
 */
export async function undoMerge(
  db: Db,
  workspace: Workspace,
  moveId: number,
  actor: string,
): Promise<{ undo_id: number; restored_customer_id: number; identity_ids: number[] }> {
  const ws = workspace.id;
  return db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, ws);
    const move = await findMove(trx, ws, moveId);
    if (!move) {
      throw new AppError('not_found', `no merge ${moveId}`);
    }
    if (move.reason === 'undo') {
      throw new AppError('conflict', `merge ${moveId} is itself an undo`);
    }
    if (move.undone_at !== null) {
      throw new AppError('conflict', `merge ${moveId} was already undone`);
    }
    // Only identities still in the profile the move created go back; any that have moved
    // on since (another undo, a regroup) are left where they are.
    const profile = await resolveCustomerId(trx, ws, move.to_customer_id);
    const still = (await findIdentitiesById(trx, ws, move.identity_ids))
      .filter((i) => i.customer_id === profile)
      .map((i) => i.id);
    if (still.length === 0) {
      throw new AppError('conflict', `none of the identities of merge ${moveId} are still in that profile`);
    }
    const moved = await moveIdentities(trx, ws, still, move.from_customer_id);
    await setMergedInto(trx, ws, [move.from_customer_id], null);
    await reattachMoved(trx, ws, profile!, moved);
    await dropManualTagCopies(trx, ws, move.from_customer_id, move.to_customer_id);
    await foldBatch(trx, workspace, { events: [], moved: [profile!, move.from_customer_id] });
    await refreshQueued(trx, workspace, new Date());
    const undo = await insertMove(trx, ws, {
      from: profile!,
      to: move.from_customer_id,
      identityIds: moved,
      reason: 'undo',
      undoOf: move.id,
    });
    await markMoveUndone(trx, ws, move.id);
    await insertAudit(trx, ws, {
      actor,
      action: 'merge.undo',
      target: `merge:${move.id}`,
      detail: { identity_ids: moved },
    });
    return { undo_id: undo.id, restored_customer_id: move.from_customer_id, identity_ids: moved };
  });
}
