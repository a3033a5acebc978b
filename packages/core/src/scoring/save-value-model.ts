import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import type { ValueModelConfig } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { ValueModelSchema } from './value-model.schema.ts';
import { findCurrentModel, insertModel } from './value-models.queries.ts';

/**
 * Saves a new version of the workspace's value model (versions are never edited, so every score
 * can say which one made it) and audits who did. The caller rescores: the new weights apply to
 * everyone at once, not customer by customer.
 */
export async function saveValueModel(db: Db, workspace: Workspace, input: unknown, actor: string) {
  const parsed = ValueModelSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'invalid_request',
      `${issue?.path.join('.') || '(model)'}: ${issue?.message}`,
      parsed.error.issues,
    );
  }
  const config: ValueModelConfig = parsed.data;
  return db.transaction().execute(async (trx) => {
    const current = await findCurrentModel(trx, workspace.id);
    const version = current.version + 1;
    await insertModel(trx, workspace.id, version, config, actor);
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'value_model.save',
      target: `value_model:${version}`,
      detail: { from_version: current.version },
    });
    return { version, config };
  });
}
