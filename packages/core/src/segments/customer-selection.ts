import { z } from 'zod';
import { findCustomers } from '../customers/find-customers.ts';
import type { Db } from '../db/create-db.ts';
import { IDENTITY_KINDS } from '../identities/identity.schema.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { type CompiledFilter, compileFilter, filterContext } from './compile-filter.ts';
import { type Filter, requireFilter } from './filter.schema.ts';
import { parseInput } from './parse-input.ts';
import { findSegmentRow } from './segments.queries.ts';

/**
 * Which customers a list, a count or an export of the customer list is about: an ad-hoc filter
 * (the filter language, composed by the console from its controls), a saved segment, a search
 * by any identity, or any combination — all of them must hold. The same selection always means
 * the same customers in the list, its count and its export.
 */
export const CustomerSelectionSchema = z.object({
  /** A filter-language tree (validated with the language's own messages, not by this schema). */
  filter: z.unknown().optional(),
  segment: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  q: z.string().trim().min(1).max(256).optional(),
  kind: z.enum(IDENTITY_KINDS).optional(),
  scope: z.string().min(1).max(128).optional(),
});

export type CustomerSelection = z.input<typeof CustomerSelectionSchema>;

export type ResolvedSelection = {
  /** Whether a filter or a segment narrows the list (otherwise every live customer qualifies). */
  filtered: boolean;
  compiled: CompiledFilter;
  /** Search hits, when the selection searches; the list is then among these only. */
  ids: number[] | undefined;
  /** What the audit log keeps of the selection: never the search text (it is personal data). */
  described: { filter?: unknown; segment?: { id: number; name: string }; searched?: true };
};

export async function resolveSelection(
  db: Db,
  workspace: Workspace,
  input: CustomerSelection,
  now: Date,
): Promise<ResolvedSelection> {
  const selection = parseInput(CustomerSelectionSchema, input);
  const parts: Filter[] = [];
  const described: ResolvedSelection['described'] = {};
  if (selection.filter !== undefined) {
    parts.push(requireFilter(selection.filter, 'filter'));
    described.filter = selection.filter;
  }
  if (selection.segment !== undefined) {
    const row = await findSegmentRow(db, workspace.id, selection.segment);
    if (!row) {
      throw new AppError('not_found', `no segment ${selection.segment}`);
    }
    // A stored filter was validated when saved; parsed again so the compiler only sees typed trees.
    parts.push(requireFilter(row.filter));
    described.segment = { id: row.id, name: row.name };
  }
  let ids: number[] | undefined;
  if (selection.q !== undefined) {
    ids = await findCustomers(db, workspace, {
      q: selection.q,
      kind: selection.kind,
      scope: selection.scope,
    });
    described.searched = true;
  }
  // Both trees were validated alone; their conjunction is compiled as is (the size limits are
  // for what a caller sends, and each part is within them).
  const filter: Filter = parts.length === 1 && parts[0] ? parts[0] : { all: parts };
  return {
    filtered: parts.length > 0,
    compiled: compileFilter(filter, filterContext(workspace, now)),
    ids,
    described,
  };
}
