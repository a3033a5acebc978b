import { type Db, rebuildAggregates, type Workspace } from '@hatchery/core';
import { sql } from 'kysely';

/**
 * Loads the generator's raw events into Hatchery's tables in bulk, in the shapes the migrations
 * define, and builds customer_stats with the engine's own rebuild. Feeding 50M events through
 * ingestEvents would take hours; what ingestion would have written is written set-based instead:
 *
 * - customers and one phone identity each (ids = the generator's customer ids; identities carry a
 *   placeholder hash and ciphertext, as nothing here decrypts or matches them);
 * - events, one per generated row, ids in file order: 1 order → order.paid (shop tmall), 2 chat →
 *   message.sent, 3 reaction → pat (with no target: the generator names nobody), 4 check-in →
 *   checkin, 5 share → share, 6 content post → content.published plus its content.metrics
 *   (likes = the generated amount), 7 referral → referral (naming a masked phone: nobody is
 *   brought); so 50M rows make 54M events;
 * - orders (one paid order per order event, amount in cents taken as fen) and contents
 *   (engagement = likes, exposure 0), as upsertOrders and foldContents would have folded them.
 *
 * event_identities (the identity links of each event) is left empty: scoring never reads it.
 * The raw rows stay in ref.events, where the reference SQL reads them.
 */
export type LoadTimings = Record<string, number>;

export async function loadRawEvents(db: Db, workspace: Workspace, events: number): Promise<LoadTimings> {
  const ws = workspace.id;
  const timings: LoadTimings = {};
  const step = async (name: string, f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    timings[name] = (performance.now() - t) / 1000;
    process.stderr.write(`  [load] ${name}: ${timings[name].toFixed(1)} s\n`);
  };
  await step('customers', () =>
    sql`insert into customers (workspace_id, id, created_at) overriding system value
        select ${ws}, customer_id, to_timestamp(min(ts)) from ref.events group by customer_id`.execute(db),
  );
  await step('identities', () =>
    sql`insert into identities (workspace_id, id, customer_id, kind, scope, value_hash, value_enc, masked, first_seen_at)
        overriding system value
        select ${ws}, id, id, 'phone', '', sha256(('bench-' || id)::bytea), '\\x00'::bytea,
          '138****' || lpad((id % 10000)::text, 4, '0'), created_at
        from customers where workspace_id = ${ws}`.execute(db),
  );
  const indexes = await dropIndexes(db, 'events');
  await step('events', () =>
    sql`insert into events (workspace_id, id, source, event_id, kind, occurred_at, received_at, customer_id,
                            anchor_identity_id, identity_ids, body_hash, properties)
        overriding system value
        select ${ws}, id, 'bench', 'e' || id, kind, to_timestamp(ts), to_timestamp(ts), customer_id, customer_id,
          array[customer_id::bigint], int8send(id), properties
        from (
          select n as id, ts, customer_id,
            (array['order.paid', 'message.sent', 'pat', 'checkin', 'share', 'content.published', 'referral'])[kind] as kind,
            case kind
              when 1 then jsonb_build_object('shop', 'tmall', 'order_id', 'o' || n, 'amount_fen', amount, 'items', '[]'::jsonb)
              when 2 then '{"community_id": "c1", "message_type": "text"}'::jsonb
              when 3 then '{"community_id": "c1"}'::jsonb
              when 6 then jsonb_build_object('content_id', 'p' || n, 'platform', 'xhs')
              when 7 then '{"invitee": {"kind": "phone", "masked": "138****0000"}}'::jsonb
              else '{}'::jsonb end as properties
          from ref.events
          union all
          select n + ${events}::bigint, ts, customer_id, 'content.metrics',
            jsonb_build_object('content_id', 'p' || n, 'exposure', 0, 'likes', amount, 'comments', 0, 'saves', 0,
                               'shares', 0)
          from ref.events where kind = 6
        ) e`.execute(db),
  );
  await step('events indexes', () => createIndexes(db, indexes));
  await step('orders', () =>
    sql`insert into orders (workspace_id, shop, order_id, customer_id, anchor_identity_id, paid_at, paid_fen,
                            refunded_fen, status, items)
        select ${ws}, 'tmall', 'o' || n, customer_id, customer_id, to_timestamp(ts), amount, 0, 'paid', '[]'
        from ref.events where kind = 1`.execute(db),
  );
  await step('contents', () =>
    sql`insert into contents (workspace_id, content_id, customer_id, anchor_identity_id, platform, published_at,
                              exposure, engagement, metrics_at)
        select ${ws}, 'p' || n, customer_id, customer_id, 'xhs', to_timestamp(ts), 0, amount, to_timestamp(ts)
        from ref.events where kind = 6`.execute(db),
  );
  await step('sequences and statistics', async () => {
    for (const table of ['customers', 'identities', 'events'] as const) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(
        db,
      );
    }
    await sql`analyze`.execute(db);
  });
  let started = performance.now();
  let current = '';
  await rebuildAggregates(db, workspace, {
    onStep: (name) => {
      if (current !== '') {
        timings[`rebuild: ${current}`] = (performance.now() - started) / 1000;
        process.stderr.write(
          `  [load] rebuild ${current}: ${timings[`rebuild: ${current}`]?.toFixed(1)} s\n`,
        );
      }
      current = name;
      started = performance.now();
    },
  });
  await step('statistics', () => sql`analyze`.execute(db));
  return timings;
}

type IndexDefinition = { constraint: string | null; name: string; definition: string };

/** Drops a table's indexes (constraints' too) before a bulk insert, giving back how to remake them. */
async function dropIndexes(db: Db, table: string) {
  const { rows } = await sql<IndexDefinition>`
    select c.conname as constraint, i.relname as name,
      coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(i.oid)) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid
    left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
    where x.indrelid = ${table}::regclass`.execute(db);
  for (const r of rows) {
    await (r.constraint
      ? sql`alter table ${sql.table(table)} drop constraint ${sql.ref(r.constraint)}`
      : sql`drop index ${sql.ref(r.name)}`
    ).execute(db);
  }
  return { table, rows };
}

async function createIndexes(db: Db, indexes: { table: string; rows: IndexDefinition[] }) {
  for (const r of indexes.rows) {
    await (r.constraint
      ? sql`alter table ${sql.table(indexes.table)} add constraint ${sql.ref(r.constraint)} ${sql.raw(r.definition)}`
      : sql.raw(r.definition)
    ).execute(db);
  }
}
