import { z } from 'zod';
import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { apiKeyPermissions } from '../operators/roles.ts';
import { parseInput } from '../segments/parse-input.ts';
import { randomToken, sha256 } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';
import type { Caller } from './caller.ts';
import { toWorkspace, type Workspace } from './workspace.ts';
import {
  findApiKeyByHash,
  findWorkspaceById,
  insertApiKey,
  listApiKeyRows,
  revokeApiKeyRow,
  touchApiKey,
} from './workspaces.queries.ts';

export type { Caller } from './caller.ts';

const PREFIX = 'hk_';

/**
 * A key's last use is written at most this often: a busy integration's every call would
 * otherwise be a write, and "used in the last few minutes" is all an admin needs to know.
 */
export const LAST_USED_RESOLUTION_MS = 5 * 60 * 1000;

/** A new key as the HTTP API takes it. */
export const ApiKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Callers with this key may ask for unmasked identities (every unmask is audited). */
  can_unmask: z.boolean().default(false),
});

/**
 * Creates a key; the returned secret is shown once and only its hash is kept. Audited: `actor`
 * is who asked (`operator:<login>`, `cli`, `demo`).
 */
export async function createApiKey(
  db: Db,
  workspace: Workspace,
  input: { name: string; canUnmask?: boolean; actor?: string },
): Promise<{ id: number; key: string; prefix: string; created_at: Date }> {
  const { name } = parseInput(ApiKeyInputSchema.pick({ name: true }), { name: input.name });
  const key = `${PREFIX}${randomToken(24)}`;
  const prefix = key.slice(0, PREFIX.length + 6);
  const canUnmask = input.canUnmask ?? false;
  const actor = input.actor ?? 'system';
  return db.transaction().execute(async (trx) => {
    const row = await insertApiKey(trx, {
      workspaceId: workspace.id,
      name,
      prefix,
      keyHash: sha256(key),
      canUnmask,
      createdBy: actor,
    });
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'api_key.create',
      target: `api_key:${row.id}`,
      detail: { name, prefix, can_unmask: canUnmask },
    });
    return { id: row.id, key, prefix, created_at: row.created_at };
  });
}

/** Revokes a key for good (it stays listed, as revoked); audited. */
export async function revokeApiKey(db: Db, workspace: Workspace, id: number, actor = 'system') {
  return db.transaction().execute(async (trx) => {
    const row = await revokeApiKeyRow(trx, workspace.id, id);
    if (!row) {
      throw new AppError('not_found', `no active API key ${id} in workspace ${workspace.slug}`);
    }
    await insertAudit(trx, workspace.id, {
      actor,
      action: 'api_key.revoke',
      target: `api_key:${row.id}`,
      detail: { name: row.name, prefix: row.prefix },
    });
    return row;
  });
}

/** Every key of the workspace, revoked ones too, oldest first: never the key, never its hash. */
export function listApiKeys(db: Db, workspace: Workspace) {
  return listApiKeyRows(db, workspace.id);
}

/** Resolves a presented key to its caller; unknown and revoked keys are the same error. */
export async function authenticateApiKey(
  db: Db,
  masterSecret: Buffer,
  key: string,
  now = new Date(),
): Promise<Caller> {
  const row = key.startsWith(PREFIX) ? await findApiKeyByHash(db, sha256(key)) : undefined;
  if (!row || row.revoked_at !== null) {
    throw new AppError('unauthorized', 'unknown or revoked API key');
  }
  const ws = await findWorkspaceById(db, row.workspace_id);
  if (!ws) {
    throw new AppError('unauthorized', 'unknown or revoked API key');
  }
  if (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await touchApiKey(db, row.workspace_id, row.id, now, LAST_USED_RESOLUTION_MS);
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
