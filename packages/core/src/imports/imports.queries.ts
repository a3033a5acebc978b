import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { ImportSummary } from '../db/database.ts';

export function insertImport(
  db: Db,
  row: { workspaceId: number; fileName: string; fileBytes: number; dryRun: boolean; actor: string },
) {
  return db
    .insertInto('imports')
    .values({
      workspace_id: row.workspaceId,
      file_name: row.fileName,
      file_bytes: row.fileBytes,
      dry_run: row.dryRun,
      status: 'running',
      summary: '{}',
      actor: row.actor,
      format: null,
      encoding: null,
      failure: null,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateImport(
  db: Db,
  workspaceId: number,
  id: number,
  patch: {
    format?: string;
    encoding?: string;
    bytesRead?: number;
    summary?: ImportSummary;
    status?: 'done' | 'failed';
    failure?: string;
  },
) {
  await db
    .updateTable('imports')
    .set({
      ...(patch.format === undefined ? {} : { format: patch.format }),
      ...(patch.encoding === undefined ? {} : { encoding: patch.encoding }),
      ...(patch.bytesRead === undefined ? {} : { bytes_read: patch.bytesRead }),
      ...(patch.summary === undefined ? {} : { summary: JSON.stringify(patch.summary) }),
      ...(patch.status === undefined ? {} : { status: patch.status, finished_at: new Date() }),
      ...(patch.failure === undefined ? {} : { failure: patch.failure }),
      heartbeat_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export type ProblemRow = {
  line: number;
  kind: 'rejected' | 'skipped';
  column: string | null;
  reason: string;
};

export async function insertProblems(
  db: Db,
  workspaceId: number,
  importId: number,
  rows: readonly ProblemRow[],
) {
  if (rows.length === 0) {
    return;
  }
  await db
    .insertInto('import_problems')
    .values(
      rows.map((r) => ({
        workspace_id: workspaceId,
        import_id: importId,
        line: r.line,
        kind: r.kind,
        column_name: r.column,
        reason: r.reason,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function findImport(db: Db, workspaceId: number, id: number) {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listProblems(
  db: Db,
  workspaceId: number,
  importId: number,
  page: { afterLine: number; limit: number },
) {
  return db
    .selectFrom('import_problems')
    .select(['line', 'kind', 'column_name', 'reason'])
    .where('workspace_id', '=', workspaceId)
    .where('import_id', '=', importId)
    .where('line', '>', page.afterLine)
    .orderBy('line')
    .orderBy('kind')
    .limit(page.limit)
    .execute();
}

/** Live profiles and logged merges of a workspace: an import's summary reports the difference. */
export async function countProfiles(
  db: Db,
  workspaceId: number,
): Promise<{ customers: number; merges: number }> {
  const { rows } = await sql<{ customers: number; merges: number }>`
    select (select count(*)::int from customers where workspace_id = ${workspaceId} and merged_into is null) as customers,
           (select count(*)::int from identity_moves where workspace_id = ${workspaceId} and reason = 'merge') as merges`.execute(
    db,
  );
  return rows[0] ?? { customers: 0, merges: 0 };
}
