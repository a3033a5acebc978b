import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/create-db.ts';
import { refreshStatistics } from '../db/refresh-statistics.ts';
import { MAX_BATCH } from '../events/event.schema.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { createOperator, setOperatorPassword } from '../operators/create-operator.ts';
import { findOperatorByLogin } from '../operators/operators.queries.ts';
import type { Role } from '../operators/roles.ts';
import { rebuildAggregates } from '../scoring/rebuild-aggregates.ts';
import { rescoreWorkspace } from '../scoring/rescore-workspace.ts';
import { randomToken } from '../shared/crypto.ts';
import { createApiKey } from '../workspaces/api-keys.ts';
import { createWorkspace } from '../workspaces/create-workspace.ts';
import { toWorkspace, type Workspace } from '../workspaces/workspace.ts';
import { findWorkspaceBySlug } from '../workspaces/workspaces.queries.ts';
import { DEFAULT_DEMO, type DemoOptions, generateDemoEvents } from './generate-demo.ts';

export const DEMO_SLUG = 'demo';

export type DemoProgress = (done: number, total: number) => void;

export type DemoLogin = { login: string; role: Role; password: string };

/** The console logins of the demo brand: an admin who may do everything and a viewer who sees masked data. */
const DEMO_OPERATORS: readonly { login: string; role: Role; displayName: string }[] = [
  { login: 'admin', role: 'admin', displayName: '演示管理员' },
  { login: 'viewer', role: 'viewer', displayName: '演示访客' },
];

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
): Promise<{ slug: string; apiKey: string; created: boolean; logins: DemoLogin[] }> {
  const keyFile = join(config.dataDir, 'demo-api-key');
  const existing = await findWorkspaceBySlug(db, DEMO_SLUG);
  if (existing && existsSync(keyFile)) {
    const logins = await ensureDemoOperators(db, toWorkspace(existing, config.masterSecret), config.dataDir);
    return { slug: DEMO_SLUG, apiKey: readFileSync(keyFile, 'utf8').trim(), created: false, logins };
  }
  // The key file is written last, so its absence means the load never finished (or never
  // started). Sending everything again is safe: events already stored are duplicates.
  const workspace = existing
    ? toWorkspace(existing, config.masterSecret)
    : await createWorkspace(db, config.masterSecret, { slug: DEMO_SLUG, name: '小鹿美肌 (demo)' });
  const events = generateDemoEvents(options);
  for (let start = 0; start < events.length; start += MAX_BATCH) {
    const batch = events.slice(start, start + MAX_BATCH);
    await ingestEvents(db, workspace, batch, {
      now: options.end,
      durable: false,
      deferAggregates: true,
      assumeNew: !existing,
    });
    onProgress(start + batch.length, events.length);
  }
  // Aggregates once for the whole brand, then its scores as of the demo's last day, so that rankings
  // and explanations are there at once.
  await rebuildAggregates(db, workspace, { now: options.end });
  await refreshStatistics(db);
  await rescoreWorkspace(db, workspace, { actor: 'demo', now: options.end });
  const logins = await ensureDemoOperators(db, workspace, config.dataDir);
  const { key } = await createApiKey(db, workspace, { name: 'demo', canUnmask: true, actor: 'demo' });
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  return { slug: DEMO_SLUG, apiKey: key, created: !existing, logins };
}

/**
 * The demo's console logins, with random passwords kept (owner-readable) in the data folder so
 * every start can print them; a data folder from before the console gets them on its next start.
 * Only the demo workspace ever has generated passwords.
 */
async function ensureDemoOperators(db: Db, workspace: Workspace, dataDir: string): Promise<DemoLogin[]> {
  const file = join(dataDir, 'demo-logins.json');
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoLogin[];
  }
  const logins: DemoLogin[] = [];
  for (const op of DEMO_OPERATORS) {
    const password = `demo-${randomToken(9)}`;
    if (await findOperatorByLogin(db, workspace.id, op.login)) {
      await setOperatorPassword(db, workspace, op.login, password, 'demo');
    } else {
      await createOperator(db, workspace, { ...op, password }, 'demo');
    }
    logins.push({ login: op.login, role: op.role, password });
  }
  writeFileSync(file, `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
  return logins;
}
