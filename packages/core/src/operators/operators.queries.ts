import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { OperatorRole } from '../db/database.ts';

export function insertOperator(
  db: Db,
  row: { workspaceId: number; login: string; displayName: string; role: OperatorRole; passwordHash: string },
) {
  return db
    .insertInto('operators')
    .values({
      workspace_id: row.workspaceId,
      login: row.login,
      display_name: row.displayName,
      role: row.role,
      password_hash: row.passwordHash,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'login']).doNothing())
    .returning(['id', 'login', 'display_name', 'role', 'created_at'])
    .executeTakeFirst();
}

export function findOperatorByLogin(db: Db, workspaceId: number, login: string) {
  return db
    .selectFrom('operators')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('login', '=', login)
    .executeTakeFirst();
}

export function listOperatorRows(db: Db, workspaceId: number) {
  return db
    .selectFrom('operators')
    .select(['id', 'login', 'display_name', 'role', 'locked_until', 'created_at', 'disabled_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export function setPasswordHash(db: Db, workspaceId: number, id: number, passwordHash: string) {
  return db
    .updateTable('operators')
    .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/**
 * Counts one failed login atomically (two wrong guesses at once both count); the one that
 * reaches the limit locks the operator and starts the count again.
 */
export async function recordFailedLogin(
  db: Db,
  workspaceId: number,
  id: number,
  rule: { failures: number; lockUntil: Date },
): Promise<{ locked: boolean }> {
  const { rows } = await sql<{ locked: boolean }>`
    update operators set
      failed_logins = case when failed_logins + 1 >= ${rule.failures} then 0 else failed_logins + 1 end,
      locked_until = case when failed_logins + 1 >= ${rule.failures} then ${rule.lockUntil} else locked_until end
    where workspace_id = ${workspaceId} and id = ${id}
    returning (failed_logins = 0) as locked`.execute(db);
  return { locked: rows[0]?.locked ?? false };
}

export function clearFailedLogins(db: Db, workspaceId: number, id: number) {
  return db
    .updateTable('operators')
    .set({ failed_logins: 0, locked_until: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export function insertSession(
  db: Db,
  row: { workspaceId: number; operatorId: number; tokenHash: Buffer; expiresAt: Date },
) {
  return db
    .insertInto('operator_sessions')
    .values({
      workspace_id: row.workspaceId,
      operator_id: row.operatorId,
      token_hash: row.tokenHash,
      expires_at: row.expiresAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

/** The session of a token with its operator and workspace, whatever its state (the caller judges). */
export function findSessionByHash(db: Db, tokenHash: Buffer) {
  return db
    .selectFrom('operator_sessions as s')
    .innerJoin('operators as o', (j) =>
      j.onRef('o.workspace_id', '=', 's.workspace_id').onRef('o.id', '=', 's.operator_id'),
    )
    .select([
      's.id as session_id',
      's.workspace_id',
      's.expires_at',
      's.revoked_at',
      'o.id as operator_id',
      'o.login',
      'o.display_name',
      'o.role',
      'o.disabled_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function revokeSessionRow(db: Db, workspaceId: number, id: number, at: Date) {
  return db
    .updateTable('operator_sessions')
    .set({ revoked_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id'])
    .executeTakeFirst();
}
