import { z } from 'zod';
import type { Db } from '../db/create-db.ts';
import {
  type CustomerSelection,
  CustomerSelectionSchema,
  resolveSelection,
} from '../segments/customer-selection.ts';
import { parseInput } from '../segments/parse-input.ts';
import { countMatching, findMatchingIdPage } from '../segments/segments.queries.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { type CustomerSummaryRow, listCustomerSummaries } from './customer-list.queries.ts';

/**
 * The customer list: every live customer in id order, a keyset page at a time, narrowed by an
 * ad-hoc filter, a saved segment and a search in any combination (customer-selection.ts).
 *
 * - No search: `{ customers, next_after }`. Unfiltered pages walk `customers` by id; filtered
 *   ones walk `customer_stats` by id with the compiled filter (segments.queries.ts), stopping after
 *   `limit` matches, so a page never reads the whole workspace unless few customers match.
 * - With a search: `{ customer_ids, customers }`, the hits that pass the filter (hits are few,
 *   an identity names one person or a handful: they are not paged).
 */
export const CustomerListSchema = CustomerSelectionSchema.extend({
  limit: z.number().int().min(1).max(200).default(50),
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export type CustomerListQuery = z.input<typeof CustomerListSchema>;

export type CustomerList =
  | { customers: CustomerSummaryRow[]; next_after: number | null }
  | { customer_ids: number[]; customers: CustomerSummaryRow[] };

function summaries(db: Db, workspace: Workspace, ids: number[]) {
  return ids.length === 0 ? Promise.resolve([]) : listCustomerSummaries(db, workspace.id, { ids });
}

export async function listCustomers(
  db: Db,
  workspace: Workspace,
  input: CustomerListQuery,
  now = new Date(),
): Promise<CustomerList> {
  const query = parseInput(CustomerListSchema, input);
  const selection = await resolveSelection(db, workspace, query, now);
  if (selection.ids !== undefined) {
    const hits = selection.ids;
    const ids =
      selection.filtered && hits.length > 0
        ? await findMatchingIdPage(db, workspace.id, selection.compiled, {
            after: 0,
            limit: hits.length,
            ids: hits,
          })
        : hits;
    return { customer_ids: ids, customers: await summaries(db, workspace, ids) };
  }
  const page = { after: query.after ?? 0, limit: query.limit + 1 };
  const rows = selection.filtered
    ? await summaries(db, workspace, await findMatchingIdPage(db, workspace.id, selection.compiled, page))
    : await listCustomerSummaries(db, workspace.id, page);
  const more = rows.length > query.limit;
  const customers = more ? rows.slice(0, query.limit) : rows;
  return { customers, next_after: more ? (customers.at(-1)?.id ?? null) : null };
}

/**
 * How many customers the list holds for a selection. Exact: a count over the workspace's
 * customer_stats (one pass, see segments.queries.ts), or over the search hits. The console asks
 * for it apart from the pages, so a page never waits for the count.
 */
export async function countCustomers(
  db: Db,
  workspace: Workspace,
  input: CustomerSelection,
  now = new Date(),
): Promise<{ count: number }> {
  const selection = await resolveSelection(db, workspace, input, now);
  if (selection.ids !== undefined && (selection.ids.length === 0 || !selection.filtered)) {
    return { count: selection.ids.length };
  }
  return { count: await countMatching(db, workspace.id, selection.compiled, selection.ids) };
}
