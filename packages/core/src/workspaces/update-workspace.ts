import { z } from 'zod';
import { insertAudit } from '../audit/audit.queries.ts';
import type { Db } from '../db/create-db.ts';
import { parseInput } from '../segments/parse-input.ts';
import { AppError } from '../shared/errors.ts';
import { isTimeZone, type Workspace } from './workspace.ts';
import { lockWorkspace } from './workspace-locks.queries.ts';
import { findWorkspaceById, isDatabaseTimeZone, updateWorkspaceRow } from './workspaces.queries.ts';

/** The workspace's own settings: its display name and the time zone its business days are in. */
export const WorkspaceUpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    time_zone: z
      .string()
      .refine(isTimeZone, { message: 'an IANA time zone name, such as Asia/Shanghai' })
      .optional(),
  })
  .refine((b) => b.name !== undefined || b.time_zone !== undefined, {
    message: 'name or time_zone',
  });

/** What GET /v1/workspace answers. */
export async function getWorkspaceSettings(db: Db, workspace: Workspace) {
  const row = await findWorkspaceById(db, workspace.id);
  if (!row) {
    throw new AppError('not_found', `no workspace ${workspace.slug}`);
  }
  return { slug: row.slug, name: row.name, time_zone: row.time_zone, created_at: row.created_at };
}

/**
 * Renames a workspace or moves it to another time zone; audited with what changed. The change
 * is made while ingestion and the upkeep wait, and the upkeep reads the zone under its lock, so
 * every batch folded after it counts its days in the new zone. What was folded before stays in the old zone until
 * the aggregates are rebuilt: `time_zone_changed` tells the caller to start that rebuild
 * (rescoreWorkspace with `rebuildAggregates`), as PUT /v1/workspace does.
 */
export async function updateWorkspace(db: Db, workspace: Workspace, input: unknown, actor: string) {
  const body = parseInput(WorkspaceUpdateSchema, input);
  return db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, workspace.id);
    const before = await findWorkspaceById(trx, workspace.id);
    if (!before) {
      throw new AppError('not_found', `no workspace ${workspace.slug}`);
    }
    const name = body.name ?? before.name;
    const timeZone = body.time_zone ?? before.time_zone;
    const changes: Record<string, { from: string; to: string }> = {};
    if (name !== before.name) {
      changes.name = { from: before.name, to: name };
    }
    if (timeZone !== before.time_zone) {
      if (!(await isDatabaseTimeZone(trx, timeZone))) {
        throw new AppError('invalid_request', `time_zone: the database does not know ${timeZone}`);
      }
      changes.time_zone = { from: before.time_zone, to: timeZone };
    }
    const row =
      Object.keys(changes).length === 0
        ? before
        : await updateWorkspaceRow(trx, workspace.id, { name, timeZone });
    if (Object.keys(changes).length > 0) {
      await insertAudit(trx, workspace.id, {
        actor,
        action: 'workspace.update',
        target: `workspace:${workspace.slug}`,
        detail: changes,
      });
    }
    const updated: Workspace = Object.freeze({ ...workspace, name: row.name, timeZone: row.time_zone });
    return {
      workspace: updated,
      settings: { slug: row.slug, name: row.name, time_zone: row.time_zone, created_at: row.created_at },
      time_zone_changed: changes.time_zone !== undefined,
    };
  });
}
