import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  countCustomers,
  createDb,
  createWorkspace,
  exportCustomers,
  getWorkspace,
  listCustomers,
  migrateToLatest,
  previewSegment,
  type Workspace,
} from '@hatchery/core';
import { sql } from 'kysely';
import pg from 'pg';

/**
 * bench/segments: segment counts (POST /v1/segments/preview's use case) and the filtered customer
 * list (GET /v1/customers with a filter: its first page, a deep page, its count; and its CSV
 * export) on a workspace of N customers (default 1,000,000) in a fresh PostgreSQL database. The
 * aggregates, scores and tags are synthesised with generate_series (what they hold, not how they
 * were computed, is what a count reads), with realistic shares: about 60 % buyers, activity tags
 * for everyone, shop tags for buyers. Each measure is taken 5 times; the median is reported.
 * Goals at 1M: a count < 1 s, a page < 100 ms. `--keep` keeps the database; `--db <name>` reuses
 * a kept one (no synthesis); `--only counts,list,export` picks the parts.
 */
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string' },
    only: { type: 'string', default: 'counts,list,export' },
    url: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const n = Number(values.customers);
const only = new Set(values.only.split(','));
const SECRET = Buffer.alloc(32, 7);
const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
const dbName = values.db ?? `hatchery_bench_${randomBytes(4).toString('hex')}`;
if (values.db === undefined) {
  await admin.query(`create database ${dbName}`);
}
const url = new URL(values.url);
url.pathname = `/${dbName}`;
const handle = await createDb({ databaseUrl: url.toString(), dataDir: '' });
type Db = typeof handle.db;
try {
  const db = handle.db;
  const workspace = values.db === undefined ? await synthesise(db) : await getWorkspace(db, SECRET, 'bench');
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
  if (only.has('counts')) {
    console.log('\nSegment counts (POST /v1/segments/preview)\n');
    console.log('| filter | count | median of 5 |');
    console.log('| --- | ---: | ---: |');
    for (const [name, filter] of filters) {
      let count = 0;
      const ms = await median(async () => {
        count = (await previewSegment(db, workspace, { filter })).count;
      });
      console.log(`| ${name} | ${count} | ${ms} ms |`);
    }
  }
  if (only.has('list')) {
    await measureList(db, workspace);
  }
  if (only.has('export')) {
    await measureExport(db, workspace);
  }
} finally {
  await handle.close();
  if (values.keep || values.db !== undefined) {
    console.log(`kept database ${dbName}`);
  } else {
    await admin.query(`drop database ${dbName} with (force)`);
  }
  await admin.end();
}

async function median(run: () => Promise<void>, times = 5) {
  const took: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const t = performance.now();
    await run();
    took.push(performance.now() - t);
  }
  took.sort((a, b) => a - b);
  return Math.round(took[Math.floor(times / 2)] ?? 0);
}

/**
 * What the Customers page asks for: each filter's first page of 50, a page from deep in the
 * workspace (after the id at 90 %), and the count, through the use cases behind
 * GET /v1/customers and GET /v1/customers/count.
 */
async function measureList(db: Db, workspace: Workspace) {
  const { rows } = await sql<{ id: number }>`
    select customer_id as id from customer_stats where workspace_id = ${workspace.id}
    order by customer_id offset ${Math.floor(n * 0.9)} limit 1`.execute(db);
  const deep = Number(rows[0]?.id ?? 0);
  const cases: [string, unknown][] = [
    ['no filter', undefined],
    ['tag activity:active', { tag: 'activity:active' }],
    [
      'the console: tags active and shop:tmall, total 40–99, consumption 50–99',
      {
        all: [
          { tag: 'activity:active' },
          { tag: 'shop:tmall' },
          { field: 'scores.total', op: 'between', value: [40, 99] },
          { field: 'scores.consumption', op: 'between', value: [50, 99] },
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
    [
      'super users with social value 95+ (rare)',
      {
        all: [
          { field: 'scores.band', op: '=', value: 'super_user' },
          { field: 'scores.social', op: '>=', value: 95 },
        ],
      },
    ],
    ['nobody (total > 100)', { field: 'scores.total', op: '>', value: 100 }],
  ];
  console.log('\nCustomer list with a filter (GET /v1/customers, GET /v1/customers/count)\n');
  console.log('| filter | count (≈: estimated) | first page of 50 | page after 90 % | count |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, filter] of cases) {
    const selection = filter === undefined ? {} : { filter };
    let count = '';
    const first = await median(async () => {
      await listCustomers(db, workspace, { ...selection, limit: 50 });
    });
    const later = await median(async () => {
      await listCustomers(db, workspace, { ...selection, limit: 50, after: deep });
    });
    const counting = await median(async () => {
      const answer = await countCustomers(db, workspace, selection);
      count = `${answer.exact ? '' : '≈ '}${answer.count}`;
    });
    console.log(`| ${name} | ${count} | ${first} ms | ${later} ms | ${counting} ms |`);
  }
}

/** The CSV export of a large selection, read to the end: time, rows per second, memory. */
async function measureExport(db: Db, workspace: Workspace) {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const t = performance.now();
  const out = await exportCustomers(db, workspace, { filter: { tag: 'activity:active' } }, 'csv', 'bench');
  let bytes = 0;
  let lines = 0;
  const reader = out.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    bytes += value.byteLength;
    for (const byte of value) {
      lines += byte === 10 ? 1 : 0;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  const rows = lines - 1;
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log(
    `\nCSV export of { tag: activity:active }: ${rows} rows, ${mib(bytes)} MiB in ${seconds.toFixed(1)} s ` +
      `(${Math.round(rows / seconds)} rows/s); RSS ${mib(rssBefore)} MiB before, peak ${mib(peak)} MiB`,
  );
}

async function synthesise(db: Db): Promise<Workspace> {
  await migrateToLatest(db as never);
  const workspace = await createWorkspace(db, SECRET, { slug: 'bench', name: 'bench' });
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
  // vacuum too: autovacuum would have set the visibility map of a live database, and without it
  // every index-only scan of the fresh tables visits the heap
  await sql`vacuum analyze`.execute(db);
  console.log(`${n} customers synthesised in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  return workspace;
}
