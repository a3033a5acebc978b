import { createWorkspace, type DbHandle, getValueModel, getWorkspace, ingestEvents } from '@hatchery/core';
import { createTestDb, TEST_SECRET } from '@hatchery/core/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Jobs, NIGHTLY_RESCORE, NIGHTLY_VACUUM, startJobs } from './jobs.ts';

let h: DbHandle;
let jobs: Jobs;
beforeAll(async () => {
  h = await createTestDb();
  await createWorkspace(h.db, TEST_SECRET, { slug: 'shanghai', name: 'sh' });
  await createWorkspace(h.db, TEST_SECRET, { slug: 'berlin', name: 'be', timeZone: 'Europe/Berlin' });
  jobs = await startJobs(h, TEST_SECRET);
}, 60_000);
afterAll(async () => {
  await jobs.stop();
  await h.close();
});

test('every workspace is rescored at 03:00 in its own time zone; a missed night is made up once', async () => {
  const schedules = await jobs.boss.getSchedules(NIGHTLY_RESCORE.queue);
  expect(
    schedules
      .map((s) => ({ key: s.key, cron: s.cron, tz: s.options?.tz, missed: s.options?.missed }))
      .sort((a, b) => (a.key < b.key ? -1 : 1)),
  ).toEqual([
    { key: 'berlin', cron: '0 3 * * *', tz: 'Europe/Berlin', missed: 'once' },
    { key: 'shanghai', cron: '0 3 * * *', tz: 'Asia/Shanghai', missed: 'once' },
  ]);
  // A workspace created later is picked up by the next sync, not duplicated by it.
  await createWorkspace(h.db, TEST_SECRET, { slug: 'later', name: 'later' });
  await jobs.syncSchedules();
  await jobs.syncSchedules();
  expect((await jobs.boss.getSchedules(NIGHTLY_RESCORE.queue)).map((s) => s.key).sort()).toEqual([
    'berlin',
    'later',
    'shanghai',
  ]);
});

test('a nightly job rescores its workspace', async () => {
  const ws = await getWorkspace(h.db, TEST_SECRET, 'shanghai');
  await ingestEvents(h.db, ws, [
    {
      id: 'o1',
      kind: 'order.paid',
      occurred_at: '2026-11-01T10:00:00+08:00',
      identities: [{ kind: 'phone', value: '13800000001' }],
      properties: { shop: 'tmall', order_id: 'o1', amount_fen: 100 },
    },
  ]);
  await jobs.boss.send(NIGHTLY_RESCORE.queue, { workspace: 'shanghai' });
  for (let i = 0; i < 300 && (await getValueModel(h.db, ws)).last_run === null; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect((await getValueModel(h.db, ws)).last_run).toMatchObject({ customers: 1 });
});

// PostgreSQL's autovacuum does this on a server; only an embedded database is vacuumed by a job.
test('an embedded database is vacuumed each night; a server is left to its autovacuum', async () => {
  const schedules = await jobs.boss.getSchedules(NIGHTLY_VACUUM.queue);
  if (h.engine !== 'pglite') {
    expect(schedules).toEqual([]);
    return;
  }
  expect(schedules.map((s) => ({ cron: s.cron, tz: s.options?.tz }))).toEqual([
    { cron: '30 4 * * *', tz: 'Asia/Shanghai' },
  ]);
  // The events stored above are on pages no vacuum has marked all-visible yet.
  const pglite = h.pglite!;
  const events = async () => {
    const { rows } = await pglite.query<{ relpages: number; relallvisible: number }>(
      `select relpages, relallvisible from pg_class where relname = 'events'`,
    );
    return rows[0]!;
  };
  await pglite.query('analyze events');
  const before = await events();
  expect(before.relallvisible).toBeLessThan(before.relpages);
  await jobs.boss.send(NIGHTLY_VACUUM.queue, {});
  let after = before;
  for (let i = 0; i < 300 && after.relallvisible < after.relpages; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await events();
  }
  expect(after.relallvisible).toBe(after.relpages);
});
