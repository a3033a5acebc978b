import type { Db } from '../db/create-db.ts';
import { prepareIdentity } from '../events/prepare-event.ts';
import { IDENTITY_KINDS, type IdentityKind, SCOPED } from '../identities/identity.schema.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { findCustomersByKeys, listScopes } from './customers.queries.ts';

/**
 * Finds customers by any identity: a phone in any common spelling, a shop nick, a pin, an
 * openid… Without a kind every kind is tried (scoped kinds in every scope the workspace has
 * seen), so an operator can paste whatever the customer told them.
 */
export async function findCustomers(
  db: Db,
  workspace: Workspace,
  query: { q: string; kind?: IdentityKind | undefined; scope?: string | undefined },
): Promise<number[]> {
  const q = query.q.trim();
  if (q === '' || q.length > 256) {
    throw new AppError('invalid_request', 'search text must be 1–256 characters');
  }
  const kinds = query.kind ? [query.kind] : [...IDENTITY_KINDS];
  const scopedKinds = kinds.filter((k) => SCOPED.has(k));
  const scopes =
    query.scope !== undefined
      ? scopedKinds.map((kind) => ({ kind, scope: query.scope! }))
      : scopedKinds.length > 0
        ? await listScopes(db, workspace.id, scopedKinds)
        : [];
  const candidates = [
    ...kinds
      .filter((k) => !SCOPED.has(k))
      .map((kind) => ({ kind, scope: kind === 'wecom_external_userid' ? query.scope : undefined })),
    ...scopes.map((s) => ({ kind: s.kind as IdentityKind, scope: s.scope })),
  ];
  const keys: string[] = [];
  for (const c of candidates) {
    const prepared = prepareIdentity(
      { kind: c.kind, value: q, ...(c.scope ? { scope: c.scope } : {}) },
      workspace.keys.hmacKey,
    );
    if (prepared !== null && typeof prepared !== 'string') {
      keys.push(prepared.key);
    }
  }
  return keys.length === 0 ? [] : findCustomersByKeys(db, workspace.id, keys);
}
