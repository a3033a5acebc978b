import type { Kysely } from 'kysely';
import { executeDdl } from '../execute-ddl.ts';

/**
 * Line items read from an item file (Taobao's ExportOrderDetailList) whose order has not been
 * imported yet. That file names no buyer, and an event needs one, so its items cannot be an
 * event until the order file has said whose order it is: they wait here, and become an
 * order.items event as soon as the order.paid is stored (imports/attach-order-items.ts). Rows
 * are deleted once sent, so this holds only items still waiting; the events stay the truth.
 * (Numbered 0005: 0003 and 0004 are taken by work landing in parallel.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    create table pending_order_items (
      workspace_id bigint not null references workspaces (id),
      source text not null,
      order_id text not null,
      items jsonb not null,
      -- the import that wrote them: rows of one order that an item file does not keep together
      -- are added up within that import, and replaced by a later import of the same order
      import_id bigint not null,
      received_at timestamptz not null default now(),
      primary key (workspace_id, source, order_id)
    );
  `,
  );
}
