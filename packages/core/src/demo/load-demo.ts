import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/create-db.ts';
import { refreshStatistics } from '../db/refresh-statistics.ts';
import { MAX_BATCH } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { createApiKey } from '../workspaces/api-keys.ts';
import { createWorkspace } from '../workspaces/create-workspace.ts';
import { toWorkspace } from '../workspaces/workspace.ts';
import { findWorkspaceBySlug } from '../workspaces/workspaces.queries.ts';
import { DEFAULT_DEMO, type DemoOptions, generateDemoEvents } from './generate-demo.ts';

export const DEMO_SLUG = 'demo';

export type DemoProgress = (done: number, total: number) => void;

/**
 * Makes sure the demo brand exists: on first run it is generated and fed through the same
 * ingestion path as real data, with progress reported per batch. The demo's API key is kept in the data folder (readable by its
 * owner only) so every start can print it; real workspaces' keys are never written anywhere.
 */
export async function ensureDemo(
  db: Db,
  config: { masterSecret: Buffer; dataDir: string },
  onProgress: DemoProgress,
  options: DemoOptions = DEFAULT_DEMO,
): Promise<{ slug: string; apiKey: string; created: boolean }> {
  const keyFile = join(config.dataDir, 'demo-api-key');
  const existing = await findWorkspaceBySlug(db, DEMO_SLUG);
  if (existing && existsSync(keyFile)) {
    return { slug: DEMO_SLUG, apiKey: readFileSync(keyFile, 'utf8').trim(), created: false };
  }
  // The key file is written last, so its absence means the load never finished (or never
  // started). Sending everything again is safe: events already stored are duplicates.
  const workspace = existing
    ? toWorkspace(existing, config.masterSecret)
    : await createWorkspace(db, config.masterSecret, { slug: DEMO_SLUG, name: '小鹿美肌 (demo)' });
  const events = generateDemoEvents(options);
  for (let start = 0; start < events.length; start += MAX_BATCH) {
    const batch = events.slice(start, start + MAX_BATCH);
    await ingestEvents(db, workspace, batch, { now: options.end, durable: false });
    onProgress(start + batch.length, events.length);
  }
  await refreshStatistics(db);
  const { key } = await createApiKey(db, workspace, { name: 'demo', canUnmask: true });
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  return { slug: DEMO_SLUG, apiKey: key, created: !existing };
}
