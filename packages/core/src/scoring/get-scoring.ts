import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { previewWeights } from './rankings.queries.ts';
import { countTags } from './tags.queries.ts';
import { ValueModelSchema } from './value-model.schema.ts';
import { findCurrentModel, findLastDoneRun, findRun } from './value-models.queries.ts';

/** A scoring run's status and progress (cut-offs are internal and left out). */
export async function getScoringRun(db: Db, workspace: Workspace, runId: number) {
  const run = await findRun(db, workspace.id, runId);
  if (!run) {
    throw new AppError('not_found', `no scoring run ${runId}`);
  }
  const { cutoffs: _internal, workspace_id: _ws, ...shown } = run;
  return shown;
}

/** The value model in force, and the last finished run. */
export async function getValueModel(db: Db, workspace: Workspace) {
  const [model, run] = await Promise.all([
    findCurrentModel(db, workspace.id),
    findLastDoneRun(db, workspace.id),
  ]);
  return {
    ...model,
    last_run: run
      ? { id: run.id, as_of: run.as_of, model_version: run.model_version, customers: run.customers }
      : null,
  };
}

const WeightsSchema = ValueModelSchema.shape.weights;

/** Who would lead with other weights, before anything is saved. */
export async function previewValueModel(db: Db, workspace: Workspace, weights: unknown, limit: number) {
  const parsed = WeightsSchema.safeParse(weights);
  if (!parsed.success) {
    throw new AppError('invalid_request', `weights: ${parsed.error.issues[0]?.message}`, parsed.error.issues);
  }
  return previewWeights(db, workspace.id, parsed.data, limit);
}

export async function listTagCounts(db: Db, workspace: Workspace) {
  return countTags(db, workspace.id);
}
