import type { Permission, Role } from '../operators/roles.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from './workspace.ts';

/**
 * Who is calling: one workspace, and either an API key or a logged-in operator. `actor` is how
 * the audit log names them; `permissions` is what they may do (operators/roles.ts).
 */
export type Caller = Readonly<{
  workspace: Workspace;
  /** `api_key:<id>` or `operator:<login>`. */
  actor: string;
  /** An operator's role; `api_key` for integrations. */
  role: Role | 'api_key';
  /** Set for API-key callers, null for operators. */
  apiKeyId: number | null;
  operator: Readonly<{ id: number; login: string; displayName: string; sessionId: number }> | null;
  canUnmask: boolean;
  permissions: ReadonlySet<Permission>;
}>;

export function can(caller: Caller, permission: Permission): boolean {
  return caller.permissions.has(permission);
}

export function requirePermission(caller: Caller, permission: Permission): void {
  if (!can(caller, permission)) {
    throw new AppError('forbidden', `the ${caller.role} role may not do this (needs ${permission})`);
  }
}
