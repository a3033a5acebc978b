import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { randomToken, sha256 } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';
import type { Caller } from '../workspaces/caller.ts';
import { toWorkspace } from '../workspaces/workspace.ts';
import { findWorkspaceById, findWorkspaceBySlug } from '../workspaces/workspaces.queries.ts';
import { isLocked, LOCKOUT, lockedUntilAfter, sessionExpiry } from './lockout.ts';
import {
  clearFailedLogins,
  findOperatorByLogin,
  findSessionByHash,
  insertSession,
  recordFailedLogin,
  revokeSessionRow,
} from './operators.queries.ts';
import { verifyDecoy, verifyPassword } from './password.ts';
import { ROLE_PERMISSIONS, type Role } from './roles.ts';

const PREFIX = 'hs_';
const WRONG = 'wrong workspace, login or password';

export type LoginInput = { workspace: string; login: string; password: string };

/**
 * Checks a password and opens a session. Unknown workspaces and logins cost the same hash as a
 * wrong password and get the same answer; every outcome is audited in the workspace it names.
 */
export async function logIn(
  db: Db,
  masterSecret: Buffer,
  input: LoginInput,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date; caller: Caller }> {
  const ws = await findWorkspaceBySlug(db, input.workspace.trim());
  const login = input.login.trim().toLowerCase();
  const op = ws ? await findOperatorByLogin(db, ws.id, login) : undefined;
  if (!ws || !op || op.disabled_at !== null) {
    await verifyDecoy(input.password);
    if (ws) {
      await audit(db, ws.id, login, 'operator.login_failed', { reason: 'unknown login' });
    }
    throw new AppError('unauthorized', WRONG);
  }
  if (isLocked(op.locked_until, now)) {
    await audit(db, ws.id, login, 'operator.login_failed', { reason: 'locked' });
    throw lockedError(op.locked_until!, now);
  }
  if (!(await verifyPassword(input.password, op.password_hash))) {
    const lockUntil = lockedUntilAfter(now);
    const { locked } = await recordFailedLogin(db, ws.id, op.id, { failures: LOCKOUT.failures, lockUntil });
    await audit(db, ws.id, login, locked ? 'operator.locked' : 'operator.login_failed', {
      reason: 'wrong password',
    });
    throw locked ? lockedError(lockUntil, now) : new AppError('unauthorized', WRONG);
  }
  if (op.failed_logins > 0 || op.locked_until !== null) {
    await clearFailedLogins(db, ws.id, op.id);
  }
  const token = `${PREFIX}${randomToken(32)}`;
  const expiresAt = sessionExpiry(now);
  const session = await insertSession(db, {
    workspaceId: ws.id,
    operatorId: op.id,
    tokenHash: sha256(token),
    expiresAt,
  });
  await audit(db, ws.id, login, 'operator.login', { session: session.id });
  const caller = operatorCaller(toWorkspace(ws, masterSecret), {
    id: op.id,
    login: op.login,
    displayName: op.display_name,
    role: op.role,
    sessionId: session.id,
  });
  return { token, expiresAt, caller };
}

/** Resolves a session cookie's token to its caller; unknown, ended and expired sessions are one error. */
export async function authenticateSession(
  db: Db,
  masterSecret: Buffer,
  token: string,
  now: Date = new Date(),
): Promise<Caller> {
  const row = token.startsWith(PREFIX) ? await findSessionByHash(db, sha256(token)) : undefined;
  if (!row || row.revoked_at !== null || row.expires_at <= now || row.disabled_at !== null) {
    throw new AppError('unauthorized', 'not logged in, or the session has ended');
  }
  const ws = await findWorkspaceById(db, row.workspace_id);
  if (!ws) {
    throw new AppError('unauthorized', 'not logged in, or the session has ended');
  }
  return operatorCaller(toWorkspace(ws, masterSecret), {
    id: row.operator_id,
    login: row.login,
    displayName: row.display_name,
    role: row.role,
    sessionId: row.session_id,
  });
}

/** Ends the caller's session (logout); ending an already ended one changes nothing. */
export async function logOut(db: Db, caller: Caller, now: Date = new Date()): Promise<void> {
  if (caller.operator === null) {
    throw new AppError('invalid_request', 'API keys have no session to end; revoke the key instead');
  }
  if (await revokeSessionRow(db, caller.workspace.id, caller.operator.sessionId, now)) {
    await audit(db, caller.workspace.id, caller.operator.login, 'operator.logout', {
      session: caller.operator.sessionId,
    });
  }
}

function operatorCaller(
  workspace: Caller['workspace'],
  op: { id: number; login: string; displayName: string; role: Role; sessionId: number },
): Caller {
  const permissions = new Set(ROLE_PERMISSIONS[op.role]);
  return Object.freeze({
    workspace,
    actor: `operator:${op.login}`,
    role: op.role,
    apiKeyId: null,
    operator: Object.freeze({
      id: op.id,
      login: op.login,
      displayName: op.displayName,
      sessionId: op.sessionId,
    }),
    canUnmask: permissions.has('customers.unmask'),
    permissions,
  });
}

function audit(db: Db, workspaceId: number, login: string, action: string, detail: Record<string, unknown>) {
  return insertAudit(db, workspaceId, {
    actor: `operator:${login}`,
    action,
    target: `operator:${login}`,
    detail,
  });
}

function lockedError(until: Date, now: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError('too_many_attempts', `too many failed logins: try again in ${minutes} min`, {
    locked_until: until.toISOString(),
  });
}
