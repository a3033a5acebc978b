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

export function listAudit(db: Db, workspaceId: number, limit: number) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'actor', 'action', 'target', 'detail', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
