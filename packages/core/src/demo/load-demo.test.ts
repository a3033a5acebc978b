import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DbHandle } from '../db/create-db.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { snapshotTables } from '../testing/snapshot.ts';
import { createTestDb, TEST_SECRET } from '../testing/test-db.ts';
import { toWorkspace } from '../workspaces/workspace.ts';
import { findWorkspaceBySlug } from '../workspaces/workspaces.queries.ts';
import { DEFAULT_DEMO, generateDemoEvents } from './generate-demo.ts';
import { ensureDemo } from './load-demo.ts';

const options = { ...DEFAULT_DEMO, customers: 1200, days: 60 };
let h: DbHandle;
let dataDir: string;
beforeAll(async () => {
  h = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'hatchery-demo-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the demo loads once through ingestion, with progress, and a second start reuses it', async () => {
  const progress: number[] = [];
  const first = await ensureDemo(
    h.db,
    { masterSecret: TEST_SECRET, dataDir },
    (done) => progress.push(done),
    options,
  );
  const total = generateDemoEvents(options).length;
  expect(first.created).toBe(true);
  expect(progress.at(-1)).toBe(total);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim()).toBe(first.apiKey);
  expect(statSync(join(dataDir, 'demo-api-key')).mode & 0o777).toBe(0o600);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from events`.execute(h.db);
  expect(rows[0]?.n).toBe(total);
  // Aggregates were rebuilt once for everyone, and the brand was scored.
  const { rows: derived } = await sql<{ live: number; stats: number; scores: number; tagged: number }>`
    select (select count(*)::int from customers where merged_into is null) as live,
      (select count(*)::int from customer_stats) as stats,
      (select count(*)::int from customer_scores) as scores,
      (select count(distinct customer_id)::int from customer_tags where tag like 'activity:%') as tagged`.execute(
    h.db,
  );
  expect(derived[0]).toEqual({
    live: derived[0]!.live,
    stats: derived[0]!.live,
    scores: derived[0]!.live,
    tagged: derived[0]!.live,
  });

  const before = await snapshotTables(h.db);
  const second = await ensureDemo(h.db, { masterSecret: TEST_SECRET, dataDir }, () => {}, options);
  expect(second).toEqual({ ...first, created: false });
  expect(await snapshotTables(h.db)).toEqual(before);
});

test("sending the demo brand's events a second time changes no row", async () => {
  const row = await findWorkspaceBySlug(h.db, 'demo');
  const workspace = toWorkspace(row!, TEST_SECRET);
  const before = await snapshotTables(h.db);
  const events = generateDemoEvents(options);
  const statuses = new Set<string>();
  for (let i = 0; i < events.length; i += 1000) {
    for (const r of await ingestEvents(h.db, workspace, events.slice(i, i + 1000), { now: options.end })) {
      statuses.add(r.status);
    }
  }
  expect([...statuses]).toEqual(['duplicate']);
  expect(await snapshotTables(h.db)).toEqual(before);
});

test('the demo brand has customers across shops and WeCom, as real brands do', async () => {
  const { rows } = await sql<{ multi_shop: number; shop_and_wecom: number; customers: number }>`
    with shops as (select customer_id, count(distinct shop) as n from orders group by customer_id),
         wecom as (select distinct customer_id from identities where kind = 'wecom_external_userid')
    select (select count(*)::int from shops where n >= 2) as multi_shop,
           (select count(*)::int from shops join wecom using (customer_id)) as shop_and_wecom,
           (select count(distinct customer_id)::int from identities) as customers`.execute(h.db);
  const r = rows[0]!;
  expect(r.multi_shop).toBeGreaterThan(r.customers * 0.02);
  expect(r.shop_and_wecom).toBeGreaterThan(r.customers * 0.15);
});
