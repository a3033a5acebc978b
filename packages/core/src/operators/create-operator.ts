import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  findOperatorByLogin,
  insertOperator,
  listOperatorRows,
  setPasswordHash,
} from './operators.queries.ts';
import { checkPasswordPolicy, hashPassword } from './password.ts';
import { isRole, ROLES, type Role } from './roles.ts';

const LOGIN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export type OperatorInput = {
  login: string;
  role: string;
  password: string;
  displayName?: string | undefined;
};

/** Adds an operator to a workspace; the password is kept only as an argon2id hash. */
export async function createOperator(db: Db, workspace: Workspace, input: OperatorInput, actor: string) {
  const login = input.login.trim().toLowerCase();
  if (!LOGIN.test(login)) {
    throw new AppError(
      'invalid_request',
      'login: lowercase letters, digits, dot, dash or underscore, at most 63',
    );
  }
  if (!isRole(input.role)) {
    throw new AppError('invalid_request', `role: one of ${ROLES.join(', ')}`);
  }
  checkPasswordPolicy(input.password);
  const row = await insertOperator(db, {
    workspaceId: workspace.id,
    login,
    displayName: input.displayName?.trim() || login,
    role: input.role satisfies Role,
    passwordHash: await hashPassword(input.password),
  });
  if (!row) {
    throw new AppError('conflict', `operator ${login} already exists in ${workspace.slug}`);
  }
  await insertAudit(db, workspace.id, {
    actor,
    action: 'operator.create',
    target: `operator:${login}`,
    detail: { role: row.role },
  });
  return row;
}

/** Sets a new password (and lifts a lockout), audited. */
export async function setOperatorPassword(
  db: Db,
  workspace: Workspace,
  login: string,
  password: string,
  actor: string,
): Promise<void> {
  checkPasswordPolicy(password);
  const row = await findOperatorByLogin(db, workspace.id, login.trim().toLowerCase());
  if (!row) {
    throw new AppError('not_found', `no operator ${login} in ${workspace.slug}`);
  }
  await setPasswordHash(db, workspace.id, row.id, await hashPassword(password));
  await insertAudit(db, workspace.id, {
    actor,
    action: 'operator.password',
    target: `operator:${row.login}`,
  });
}

export function listOperators(db: Db, workspace: Workspace) {
  return listOperatorRows(db, workspace.id);
}
