import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

/** Set-based figures over orders: a handful of aggregates, whatever the number of customers. */
export async function customerCounts(db: Db, workspaceId: number) {
  const { rows } = await sql<{ customers: number; buyers: number; orders: number; paid_fen: number }>`
    select
      (select count(*) from customers where workspace_id = ${workspaceId} and merged_into is null)::int as customers,
      (select count(distinct customer_id) from orders where workspace_id = ${workspaceId} and paid_at is not null)::int as buyers,
      (select count(*) from orders where workspace_id = ${workspaceId} and paid_at is not null)::int as orders,
      (select coalesce(sum(paid_fen), 0) from orders where workspace_id = ${workspaceId})::int8 as paid_fen`.execute(
    db,
  );
  return rows[0]!;
}

export async function buyersByShop(db: Db, workspaceId: number) {
  const { rows } = await sql<{ shop: string; customers: number; orders: number; paid_fen: number }>`
    select shop, count(distinct customer_id)::int as customers, count(*)::int as orders,
           coalesce(sum(paid_fen), 0)::int8 as paid_fen
    from orders where workspace_id = ${workspaceId} and paid_at is not null
    group by shop order by customers desc, shop`.execute(db);
  return rows;
}

/** Customers who bought in both shops of each pair: the cross-shop picture one profile makes possible. */
export async function shopOverlap(db: Db, workspaceId: number) {
  const { rows } = await sql<{ a: string; b: string; customers: number }>`
    with bought as (
      select distinct customer_id, shop from orders where workspace_id = ${workspaceId} and paid_at is not null
    )
    select x.shop as a, y.shop as b, count(*)::int as customers
    from bought x join bought y on x.customer_id = y.customer_id and x.shop < y.shop
    group by x.shop, y.shop order by x.shop, y.shop`.execute(db);
  return rows;
}

/** How many buyers bought in 1, 2, 3… shops. */
export async function buyersByShopCount(db: Db, workspaceId: number) {
  const { rows } = await sql<{ shops: number; customers: number }>`
    select shops, count(*)::int as customers from (
      select customer_id, count(distinct shop)::int as shops
      from orders where workspace_id = ${workspaceId} and paid_at is not null group by customer_id
    ) per_customer group by shops order by shops`.execute(db);
  return rows;
}

/** Paid orders per calendar month in the workspace's time zone. */
export async function ordersByMonth(db: Db, workspaceId: number, timeZone: string) {
  const { rows } = await sql<{ month: string; orders: number; paid_fen: number }>`
    select to_char(date_trunc('month', paid_at at time zone ${timeZone}), 'YYYY-MM') as month,
           count(*)::int as orders, coalesce(sum(paid_fen), 0)::int8 as paid_fen
    from orders where workspace_id = ${workspaceId} and paid_at is not null
    group by 1 order by 1`.execute(db);
  return rows;
}
