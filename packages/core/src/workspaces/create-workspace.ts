import { randomBytes } from 'node:crypto';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import { DEFAULT_TIME_ZONE, isTimeZone, toWorkspace, type Workspace } from './workspace.ts';
import { findWorkspaceBySlug, insertWorkspace, listWorkspaceRows } from './workspaces.queries.ts';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function createWorkspace(
  db: Db,
  masterSecret: Buffer,
  input: { slug: string; name?: string | undefined; timeZone?: string | undefined },
): Promise<Workspace> {
  if (!SLUG.test(input.slug)) {
    throw new AppError('invalid_request', 'workspace slug: lowercase letters, digits and dashes, at most 63');
  }
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) {
    throw new AppError('invalid_request', `unknown time zone ${timeZone}`);
  }
  const row = await insertWorkspace(db, {
    slug: input.slug,
    name: input.name ?? input.slug,
    timeZone,
    keySalt: randomBytes(32),
  });
  if (!row) {
    throw new AppError('conflict', `workspace ${input.slug} already exists`);
  }
  return toWorkspace(row, masterSecret);
}

export async function getWorkspace(db: Db, masterSecret: Buffer, slug: string): Promise<Workspace> {
  const row = await findWorkspaceBySlug(db, slug);
  if (!row) {
    throw new AppError('not_found', `no workspace ${slug}`);
  }
  return toWorkspace(row, masterSecret);
}

export function listWorkspaces(db: Db) {
  return listWorkspaceRows(db);
}
