import { z } from 'zod';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { compileFilter, filterContext } from './compile-filter.ts';
import { type Filter, requireFilter } from './filter.schema.ts';
import { parseInput } from './parse-input.ts';
import {
  countMatching,
  deleteSegmentRow,
  findMatchingPage,
  findSegmentRow,
  insertSegment,
  listSegmentRows,
  nameTaken,
  type SegmentRow,
  updateSegmentRow,
} from './segments.queries.ts';

/** Segments: saved filters, counted and listed on demand (never materialised, so never stale). */

export const SegmentInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  filter: z.unknown(),
});

function compiled(workspace: Workspace, filter: Filter, now: Date) {
  return compileFilter(filter, filterContext(workspace, now));
}

/** A stored filter was validated when saved; it is parsed again so the compiler only sees typed trees. */
function storedFilter(row: SegmentRow) {
  return requireFilter(row.filter);
}

/** How many customers a filter selects, before anything is saved (the builder's live count). */
export async function previewSegment(db: Db, workspace: Workspace, input: unknown, now = new Date()) {
  const { filter } = parseInput(z.object({ filter: z.unknown() }), input);
  const parsed = requireFilter(filter);
  return { count: await countMatching(db, workspace.id, compiled(workspace, parsed, now)) };
}

export async function listSegments(db: Db, workspace: Workspace) {
  return { segments: await listSegmentRows(db, workspace.id) };
}

async function findOrFail(db: Db, workspace: Workspace, id: number) {
  const row = await findSegmentRow(db, workspace.id, id);
  if (!row) {
    throw new AppError('not_found', `no segment ${id}`);
  }
  return row;
}

/** A segment with its count as of now. */
export async function getSegment(db: Db, workspace: Workspace, id: number, now = new Date()) {
  const row = await findOrFail(db, workspace, id);
  return {
    ...row,
    count: await countMatching(db, workspace.id, compiled(workspace, storedFilter(row), now)),
  };
}

export async function createSegment(db: Db, workspace: Workspace, input: unknown, actor: string) {
  const body = parseInput(SegmentInputSchema, input);
  const filter = requireFilter(body.filter);
  const row = await insertSegment(db, workspace.id, { name: body.name, filter, actor });
  if (!row) {
    throw new AppError('conflict', `a segment named ${JSON.stringify(body.name)} exists`);
  }
  return row;
}

export async function updateSegment(db: Db, workspace: Workspace, id: number, input: unknown, actor: string) {
  const body = parseInput(SegmentInputSchema, input);
  const filter = requireFilter(body.filter);
  await findOrFail(db, workspace, id);
  if (await nameTaken(db, workspace.id, body.name, id)) {
    throw new AppError('conflict', `a segment named ${JSON.stringify(body.name)} exists`);
  }
  const row = await updateSegmentRow(db, workspace.id, id, { name: body.name, filter, actor });
  if (!row) {
    throw new AppError('not_found', `no segment ${id}`);
  }
  return row;
}

export async function deleteSegment(db: Db, workspace: Workspace, id: number) {
  if (!(await deleteSegmentRow(db, workspace.id, id))) {
    throw new AppError('not_found', `no segment ${id}`);
  }
}

export type SegmentPage = { limit: number; cursor?: string | undefined };

function parseCursor(cursor: string | undefined) {
  if (cursor === undefined) {
    return 0;
  }
  if (!/^\d{1,15}$/.test(cursor)) {
    throw new AppError('invalid_request', 'cursor: not a cursor this list gave out');
  }
  return Number(cursor);
}

/** A page of a segment's customers in id order; `next_cursor` continues it (null: the end). */
export async function listSegmentCustomers(
  db: Db,
  workspace: Workspace,
  id: number,
  page: SegmentPage,
  now = new Date(),
) {
  const row = await findOrFail(db, workspace, id);
  const rows = await findMatchingPage(db, workspace.id, compiled(workspace, storedFilter(row), now), {
    limit: page.limit + 1,
    after: parseCursor(page.cursor),
  });
  const more = rows.length > page.limit;
  const customers = more ? rows.slice(0, page.limit) : rows;
  const last = customers.at(-1);
  return { customers, next_cursor: more && last ? String(last.customer_id) : null };
}
