import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { listCustomerSummaries } from './customer-list.queries.ts';

/** Customers in id order, a page at a time (keyset: pass the previous page's next_after). */
export async function listCustomers(
  db: Db,
  workspace: Workspace,
  page: { limit: number; after?: number | undefined },
) {
  const rows = await listCustomerSummaries(db, workspace.id, {
    after: page.after ?? 0,
    limit: page.limit + 1,
  });
  const more = rows.length > page.limit;
  const customers = more ? rows.slice(0, page.limit) : rows;
  return { customers, next_after: more ? (customers.at(-1)?.id ?? null) : null };
}

/** Summary rows for search hits, in id order (merged-away ids are already resolved by the search). */
export function summariseCustomers(db: Db, workspace: Workspace, ids: number[]) {
  return ids.length === 0 ? Promise.resolve([]) : listCustomerSummaries(db, workspace.id, { ids });
}
