import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { findImport, listProblems } from './imports.queries.ts';

/** A running import that has not reported progress for this long was cut off (its process stopped). */
const HEARTBEAT_TIMEOUT_MS = 2 * 60 * 1000;

/** An import's state and progress; a running import whose process stopped shows as `interrupted`. */
export async function getImport(db: Db, workspace: Workspace, id: number, now: Date = new Date()) {
  const row = await findImport(db, workspace.id, id);
  if (!row) {
    throw new AppError('not_found', `no import ${id}`);
  }
  const stale = row.status === 'running' && now.getTime() - row.heartbeat_at.getTime() > HEARTBEAT_TIMEOUT_MS;
  return {
    id: row.id,
    file_name: row.file_name,
    format: row.format,
    encoding: row.encoding,
    dry_run: row.dry_run,
    status: stale ? ('interrupted' as const) : row.status,
    progress:
      row.file_bytes > 0 ? Math.min(1, row.bytes_read / row.file_bytes) : row.status === 'running' ? 0 : 1,
    summary: row.summary,
    // In English; the code and the Chinese words (null for failures stored before migration 0011).
    ...(stale
      ? {
          failure:
            'the import stopped reporting progress; import the file again (imported rows are duplicates)',
          failure_code: 'interrupted',
          failure_zh: '导入不再报告进度，已中断；请重新导入该文件（已导入的行会作为重复项跳过）',
        }
      : { failure: row.failure, failure_code: row.failure_code, failure_zh: row.failure_zh }),
    created_at: row.created_at,
    finished_at: row.finished_at,
  };
}

/** The import's report: every rejected or skipped line, with column and reason, in line order. */
export async function getImportProblems(
  db: Db,
  workspace: Workspace,
  id: number,
  page: { afterLine?: number | undefined; limit: number },
) {
  if (!(await findImport(db, workspace.id, id))) {
    throw new AppError('not_found', `no import ${id}`);
  }
  const rows = await listProblems(db, workspace.id, id, {
    afterLine: page.afterLine ?? 0,
    limit: page.limit,
  });
  return {
    problems: rows.map((r) => ({
      line: r.line,
      kind: r.kind,
      column: r.column_name,
      code: r.code,
      reason: r.reason,
      reason_zh: r.reason_zh,
    })),
    next_after_line: rows.length === page.limit ? (rows.at(-1)?.line ?? null) : null,
  };
}
