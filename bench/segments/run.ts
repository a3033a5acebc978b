import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDb, createWorkspace, migrateToLatest, previewSegment } from '@hatchery/core';
import { sql } from 'kysely';
import pg from 'pg';

/**
 * bench/segments: segment counts (POST /v1/segments/preview's use case) on a workspace of N
 * customers (default 1,000,000) in a fresh PostgreSQL database. The aggregates, scores and tags
 * are synthesised with generate_series (what they hold, not how they were computed, is what a
 * count reads), with realistic shares: about 60 % buyers, activity tags for everyone, shop tags
 * for buyers. Each filter is counted 5 times; the median is reported. Goal: < 1 s at 1M.
 */
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
    url: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const n = Number(values.customers);
const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
const dbName = `hatchery_bench_${randomBytes(4).toString('hex')}`;
await admin.query(`create database ${dbName}`);
const url = new URL(values.url);
url.pathname = `/${dbName}`;
const handle = await createDb({ databaseUrl: url.toString(), dataDir: '' });
try {
  const db = handle.db;
  await migrateToLatest(db as never);
  const workspace = await createWorkspace(db, Buffer.alloc(32, 7), { slug: 'bench', name: 'bench' });
  const ws = workspace.id;
  const started = performance.now();
  await sql`insert into customers (workspace_id) select ${ws}::bigint from generate_series(1, ${n}::int)`.execute(
    db,
  );
  await sql`
    insert into customer_stats (workspace_id, customer_id, orders, order_days, net_fen, first_day_fen,
      first_order_at, last_order_at, shops, messages, shares, posts, active_mask, last_active_day)
    select ${ws}::bigint, id, o, least(o, 1 + (h >> 3) % 4), o * (5000 + (h >> 5) % 50000), 0,
      case when o > 0 then now() - make_interval(days => (30 + h % 400)::int) end,
      case when o > 0 then now() - make_interval(days => (h % 365)::int) end,
      case when o = 0 then '{}'::text[] when h % 3 = 0 then '{tmall,jd}' when h % 3 = 1 then '{tmall}' else '{jd}' end,
      (h >> 7) % 40, (h >> 9) % 5, (h >> 11) % 3,
      ((h >> 13) % 2147483647)::bigint, business_day(now(), 'Asia/Shanghai') - (h >> 4) % 40
    from (select id, (hashint4(id::int)::bigint & 2147483647) as h, case when (hashint4(id::int)::bigint & 2147483647) % 10 < 6 then 1 + (hashint4(id::int)::bigint & 2147483647) % 7 else 0 end as o
          from customers where workspace_id = ${ws}) c`.execute(db);
  await sql`
    insert into customer_scores (workspace_id, customer_id, run_id, model_version, r, f, m, rfm_group, consumption,
      interaction, content, social, total, koc, band, koc_candidate, scored_at)
    select ${ws}::bigint, customer_id, 1, 1, 1 + h % 5, 1 + (h >> 3) % 5, 1 + (h >> 6) % 5, 'important_value',
      h % 100, (h >> 2) % 100, (h >> 4) % 100, (h >> 6) % 100, (h % 10000) / 100.0, (h >> 8) % 100,
      case when h % 100 = 0 then 'super_user' when h % 100 < 5 then 'second_tier' else 'other' end,
      h % 50 = 0, now()
    from (select customer_id, (hashint4(customer_id::int + 7)::bigint & 2147483647) as h from customer_stats where workspace_id = ${ws}) s`.execute(
    db,
  );
  await sql`
    insert into customer_tags (workspace_id, customer_id, tag, source, since)
    select ${ws}::bigint, customer_id, (array['activity:very_active','activity:active','activity:occasional','activity:silent'])[1 + (hashint4(customer_id::int)::bigint & 2147483647) % 4],
      'activity', now() - make_interval(days => ((hashint4(customer_id::int)::bigint & 2147483647) % 90)::int)
    from customer_stats where workspace_id = ${ws}
    union all
    select ${ws}::bigint, customer_id, 'shop:' || shop, 'channel', now() from customer_stats cross join unnest(shops) shop
    where workspace_id = ${ws}`.execute(db);
  await sql`analyze`.execute(db);
  console.log(`${n} customers synthesised in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const filters: [string, unknown][] = [
    ['scores.total >= 60', { field: 'scores.total', op: '>=', value: 60 }],
    ['tag activity:silent', { tag: 'activity:silent' }],
    ['silent for 30 days', { tag: 'activity:silent', since_days: 30 }],
    [
      'buyers of tmall, not silent, 2+ orders',
      {
        all: [
          { field: 'profile.shops', op: 'contains', value: 'tmall' },
          { not: { tag: 'activity:silent' } },
          { field: 'stats.orders', op: '>=', value: 2 },
        ],
      },
    ],
    [
      'lapsing good customers (days since, band, active days)',
      {
        all: [
          { field: 'stats.days_since_last_order', op: 'between', value: [60, 180] },
          { field: 'scores.band', op: '!=', value: 'other' },
          { any: [{ field: 'stats.active_days_30', op: '<', value: 3 }, { tag_prefix: 'shop:jd' }] },
        ],
      },
    ],
  ];
  console.log('| filter | count | median of 5 |');
  console.log('| --- | ---: | ---: |');
  for (const [name, filter] of filters) {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i += 1) {
      const t = performance.now();
      count = (await previewSegment(db, workspace, { filter })).count;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);

    console.log(`| ${name} | ${count} | ${Math.round(times[2] ?? 0)} ms |`);
  }
} finally {
  await handle.close();
  if (values.keep) {
    console.log(`kept database ${dbName}`);
  } else {
    await admin.query(`drop database ${dbName} with (force)`);
  }
  await admin.end();
}
