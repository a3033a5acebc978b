import { z } from 'zod';
import { insertAudit } from '../audit/audit.queries.ts';
import { resolveCustomerId } from '../customers/customers.queries.ts';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { TagSchema } from './filter.schema.ts';
import { parseInput } from './parse-input.ts';
import { deleteManualTag, findTag, insertManualTag } from './tag-rules.queries.ts';

/**
 * Manual tags: an operator's own judgement about a customer, written `manual:<name>` so that they
 * can never collide with a derived or rule tag (which the engine would then take back). Each one
 * keeps who added it and why (its reason), and every change is audited.
 */

const MANUAL_PREFIX = 'manual:';

export const ManualTagSchema = z.strictObject({
  tag: TagSchema.refine((t) => t.startsWith(MANUAL_PREFIX) && t.length > MANUAL_PREFIX.length, {
    message: 'a manual tag is written manual:<name>',
  }),
  note: z.string().max(500).optional(),
});

async function liveCustomer(db: Db, workspace: Workspace, id: number) {
  // A merged-away id stands for the profile it is now part of, as in the 360.
  const customerId = await resolveCustomerId(db, workspace.id, id);
  if (customerId === null) {
    throw new AppError('not_found', `no customer ${id}`);
  }
  return customerId;
}

export async function addManualTag(
  db: Db,
  workspace: Workspace,
  id: number,
  input: unknown,
  actor: string,
  now = new Date(),
) {
  const body = parseInput(ManualTagSchema, input);
  return db.transaction().execute(async (trx) => {
    const customerId = await liveCustomer(trx, workspace, id);
    const created = await insertManualTag(trx, workspace.id, customerId, {
      tag: body.tag,
      reason: { actor, note: body.note ?? null },
      now,
    });
    if (created) {
      await insertAudit(trx, workspace.id, {
        actor,
        action: 'tag.add',
        target: `customer:${customerId}`,
        detail: { tag: body.tag, note: body.note ?? null },
      });
    }
    const tag = await findTag(trx, workspace.id, customerId, body.tag);
    return { customer_id: customerId, created, ...tag };
  });
}

export async function removeManualTag(
  db: Db,
  workspace: Workspace,
  id: number,
  input: unknown,
  actor: string,
) {
  const body = parseInput(ManualTagSchema, input);
  await db.transaction().execute(async (trx) => {
    const customerId = await liveCustomer(trx, workspace, id);
    if (!(await deleteManualTag(trx, workspace.id, customerId, body.tag))) {
      throw new AppError('not_found', `customer ${customerId} has no manual tag ${body.tag}`);
    }
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'tag.remove',
      target: `customer:${customerId}`,
      detail: { tag: body.tag, note: body.note ?? null },
    });
  });
}
