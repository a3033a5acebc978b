import type { Db } from '../db/create-db.ts';

export async function insertAudit(
  db: Db,
  workspaceId: number,
  entry: { actor: string; action: string; target: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: workspaceId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

export function listAudit(db: Db, workspaceId: number, page: { limit: number; before?: number | undefined }) {
  let query = db
    .selectFrom('audit_log')
    .select(['id', 'actor', 'action', 'target', 'detail', 'created_at'])
    .where('workspace_id', '=', workspaceId);
  if (page.before !== undefined) {
    query = query.where('id', '<', page.before);
  }
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}
