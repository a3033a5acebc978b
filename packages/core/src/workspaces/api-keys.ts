import type { Db } from '../db/create-db.ts';
import { apiKeyPermissions } from '../operators/roles.ts';
import { randomToken, sha256 } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';
import type { Caller } from './caller.ts';
import { toWorkspace, type Workspace } from './workspace.ts';
import {
  findApiKeyByHash,
  findWorkspaceById,
  insertApiKey,
  listApiKeys,
  revokeApiKeyRow,
} from './workspaces.queries.ts';

export type { Caller } from './caller.ts';

const PREFIX = 'hk_';

/** Creates a key; the returned secret is shown once and only its hash is kept. */
export async function createApiKey(
  db: Db,
  workspace: Workspace,
  input: { name: string; canUnmask?: boolean },
): Promise<{ id: number; key: string }> {
  const key = `${PREFIX}${randomToken(24)}`;
  const row = await insertApiKey(db, {
    workspaceId: workspace.id,
    name: input.name,
    prefix: key.slice(0, PREFIX.length + 6),
    keyHash: sha256(key),
    canUnmask: input.canUnmask ?? false,
  });
  return { id: row.id, key };
}

export async function revokeApiKey(db: Db, workspace: Workspace, id: number): Promise<void> {
  if (!(await revokeApiKeyRow(db, workspace.id, id))) {
    throw new AppError('not_found', `no active API key ${id} in workspace ${workspace.slug}`);
  }
}

export { listApiKeys };

/** Resolves a presented key to its caller; unknown and revoked keys are the same error. */
export async function authenticateApiKey(db: Db, masterSecret: Buffer, key: string): Promise<Caller> {
  const row = key.startsWith(PREFIX) ? await findApiKeyByHash(db, sha256(key)) : undefined;
  if (!row || row.revoked_at !== null) {
    throw new AppError('unauthorized', 'unknown or revoked API key');
  }
  const ws = await findWorkspaceById(db, row.workspace_id);
  if (!ws) {
    throw new AppError('unauthorized', 'unknown or revoked API key');
  }
  return Object.freeze({
    workspace: toWorkspace(ws, masterSecret),
    actor: `api_key:${row.id}`,
    role: 'api_key',
    apiKeyId: row.id,
    operator: null,
    canUnmask: row.can_unmask,
    permissions: new Set(apiKeyPermissions(row.can_unmask)),
  });
}
