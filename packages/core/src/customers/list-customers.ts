import { z } from 'zod';
import type { Db } from '../db/create-db.ts';
import {
  type CustomerSelection,
  CustomerSelectionSchema,
  resolveSelection,
} from '../segments/customer-selection.ts';
import { parseInput } from '../segments/parse-input.ts';
import {
  countMatching,
  countMatchingWithin,
  estimateMatching,
  findMatchingIdPage,
} from '../segments/segments.queries.ts';
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
 * How long an exact count may take before an estimate answers instead, and how many of the
 * workspace's rows the estimate samples. At 1M customers most counts take 0.3–1 s on
 * PostgreSQL (bench/README.md); the budget bounds the rest (filters that compute per row, a busy
 * server) so that the console's count never holds a connection for long.
 */
export const COUNT_BUDGET = { ms: 1500, sampleRows: 20_000 } as const;

/**
 * How many customers the list holds for a selection: `exact` when counted (one pass over the
 * workspace's customer_stats, see segments.queries.ts, or over the search hits), otherwise an
 * estimate from a sample because the exact count did not finish within the budget. PGlite
 * counts are always exact (an embedded database's workspaces are small, and its single
 * connection has nothing else to serve meanwhile). The console asks for the count apart from
 * the pages, so a page never waits for it.
 */
export async function countCustomers(
  db: Db,
  workspace: Workspace,
  input: CustomerSelection,
  now = new Date(),
  budget: { ms: number; sampleRows: number } = COUNT_BUDGET,
): Promise<{ count: number; exact: boolean }> {
  const selection = await resolveSelection(db, workspace, input, now);
  if (selection.ids !== undefined) {
    const count =
      selection.ids.length === 0 || !selection.filtered
        ? selection.ids.length
        : await countMatching(db, workspace.id, selection.compiled, selection.ids);
    return { count, exact: true };
  }
  const exact =
    budget.ms > 0 ? await countMatchingWithin(db, workspace.id, selection.compiled, budget.ms) : null;
  if (exact !== null) {
    return { count: exact, exact: true };
  }
  return {
    count: await estimateMatching(db, workspace.id, selection.compiled, budget.sampleRows),
    exact: false,
  };
}
