import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';

export type ConflictStatus = 'open' | 'resolved' | 'dismissed';

/**
 * Merge conflicts for review, newest first: the record that would have given one person two
 * values of a unique-per-person kind, the customers it touched and which kinds clashed.
 */
export async function listMergeConflicts(
  db: Db,
  workspace: Workspace,
  options: { status?: ConflictStatus | undefined; limit: number; before?: number | undefined },
) {
  let query = db
    .selectFrom('merge_conflicts')
    .select(['id', 'source', 'event_id', 'customer_ids', 'detail', 'status', 'created_at'])
    .where('workspace_id', '=', workspace.id);
  if (options.status) {
    query = query.where('status', '=', options.status);
  }
  if (options.before !== undefined) {
    query = query.where('id', '<', options.before);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const more = rows.length > options.limit;
  const shown = more ? rows.slice(0, options.limit) : rows;
  return {
    conflicts: shown.map((r) => ({
      id: r.id,
      record: { source: r.source, event_id: r.event_id },
      customer_ids: r.customer_ids,
      kinds: r.detail.kinds,
      status: r.status,
      created_at: r.created_at,
    })),
    next_before: more ? (shown.at(-1)?.id ?? null) : null,
  };
}
