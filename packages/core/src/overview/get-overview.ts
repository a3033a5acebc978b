import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  buyersByShop,
  buyersByShopCount,
  customerCounts,
  ordersByMonth,
  shopOverlap,
} from './overview.queries.ts';

/** The console's first page: how many customers, where they buy, and how shops overlap. */
export async function getOverview(db: Db, workspace: Workspace) {
  const [totals, byShop, overlap, byShopCount, byMonth] = await Promise.all([
    customerCounts(db, workspace.id),
    buyersByShop(db, workspace.id),
    shopOverlap(db, workspace.id),
    buyersByShopCount(db, workspace.id),
    ordersByMonth(db, workspace.id, workspace.timeZone),
  ]);
  return {
    time_zone: workspace.timeZone,
    totals,
    by_shop: byShop,
    overlap,
    by_shop_count: byShopCount,
    by_month: byMonth,
  };
}

export type Overview = Awaited<ReturnType<typeof getOverview>>;
