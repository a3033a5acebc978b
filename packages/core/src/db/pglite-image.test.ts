import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { createDb } from './create-db.ts';
import { migrateToLatest } from './migrate.ts';
import { emptyClusterImage, isEmptyDataDir } from './pglite-image.ts';

const dir = mkdtempSync(join(tmpdir(), 'hatchery-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a new data folder starts from the cluster image and keeps its data when reopened', async () => {
  const dataDir = join(dir, 'pgdata');
  expect(isEmptyDataDir(dataDir)).toBe(true);
  const first = await createDb({ dataDir });
  await migrateToLatest(first.db as never);
  await sql`insert into workspaces (slug, name, key_salt) values ('kept', 'kept', '\\x00')`.execute(first.db);
  await first.close();
  expect(isEmptyDataDir(dataDir)).toBe(false);

  // Reopened: the image is not unpacked over the cluster (PGlite would refuse), the row is there.
  const second = await createDb({ dataDir });
  const { rows } = await sql<{ slug: string }>`select slug from workspaces`.execute(second.db);
  expect(rows.map((r) => r.slug)).toEqual(['kept']);
  // Opened with room for a workspace's sorts in memory, through transactions too.
  await second.db.transaction().execute(async (trx) => {
    const shown = await sql<{ work_mem: string }>`show work_mem`.execute(trx);
    expect(shown.rows[0]?.work_mem).toBe('32MB');
  });
  await second.close();
});

test('the image is made once and shared by every database of the process', async () => {
  expect(emptyClusterImage()).toBe(emptyClusterImage());
  const image = await emptyClusterImage();
  expect(image.size).toBeGreaterThan(1_000_000);
  expect(isEmptyDataDir('memory://')).toBe(true);
});
