import type { Db } from '../db/create-db.ts';
import type { ValueModelConfig } from '../db/database.ts';
import type { Cutoffs } from './scores.queries.ts';
import { DEFAULT_VALUE_MODEL } from './value-model.schema.ts';

export type StoredModel = {
  version: number;
  config: ValueModelConfig;
  created_by: string;
  created_at: Date | null;
};

/** The workspace's newest value model; version 0 is the built-in default, before anyone saved one. */
export async function findCurrentModel(db: Db, workspaceId: number): Promise<StoredModel> {
  const row = await db
    .selectFrom('value_models')
    .select(['version', 'config', 'created_by', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? { version: 0, config: DEFAULT_VALUE_MODEL, created_by: 'default', created_at: null };
}

export async function findModelVersion(db: Db, workspaceId: number, version: number) {
  if (version === 0) {
    return { version: 0, config: DEFAULT_VALUE_MODEL, created_by: 'default', created_at: null };
  }
  return db
    .selectFrom('value_models')
    .select(['version', 'config', 'created_by', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function insertModel(
  db: Db,
  workspaceId: number,
  version: number,
  config: ValueModelConfig,
  actor: string,
) {
  await db
    .insertInto('value_models')
    .values({ workspace_id: workspaceId, version, config: JSON.stringify(config), created_by: actor })
    .execute();
}

export async function insertRun(
  db: Db,
  workspaceId: number,
  modelVersion: number,
  asOf: Date,
  actor: string,
) {
  const row = await db
    .insertInto('scoring_runs')
    .values({ workspace_id: workspaceId, model_version: modelVersion, status: 'running', as_of: asOf, actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRun(
  db: Db,
  workspaceId: number,
  runId: number,
  change: Partial<{
    step: string;
    progress: number;
    status: 'done' | 'failed';
    cutoffs: Cutoffs;
    customers: number;
    failure: string;
  }>,
) {
  const { cutoffs, status, ...rest } = change;
  await db
    .updateTable('scoring_runs')
    .set({
      ...rest,
      ...(cutoffs === undefined ? {} : { cutoffs: JSON.stringify(cutoffs) }),
      ...(status === undefined ? {} : { status, finished_at: new Date() }),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', runId)
    .execute();
}

export async function findRun(db: Db, workspaceId: number, runId: number) {
  return db
    .selectFrom('scoring_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', runId)
    .executeTakeFirst();
}

/** The last finished run: its cut-offs score customers between full runs. */
export async function findLastDoneRun(db: Db, workspaceId: number) {
  return db
    .selectFrom('scoring_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'done')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
