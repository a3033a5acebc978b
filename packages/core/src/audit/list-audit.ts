import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { listAudit } from './audit.queries.ts';

/** The audit log, newest first, keyset-paged by id so a page stays cheap however long the log grows. */
export async function listAuditLog(
  db: Db,
  workspace: Workspace,
  page: { limit: number; before?: number | undefined },
) {
  const rows = await listAudit(db, workspace.id, { limit: page.limit + 1, before: page.before });
  const more = rows.length > page.limit;
  const entries = more ? rows.slice(0, page.limit) : rows;
  return { entries, next_before: more ? (entries.at(-1)?.id ?? null) : null };
}
