import { createApiKey, createWorkspace, loadConfig, openDatabase } from '@hatchery/core';
import { createApp } from '@hatchery/server';
import { serve } from '@hono/node-server';

/**
 * The server under test, in its own process as in production: migrates the benchmark database,
 * creates a workspace and a key, and prints where to send events.
 */
const config = loadConfig({ ...process.env, HATCHERY_SECRET: 'ab'.repeat(32), PORT: '0' });
const handle = await openDatabase(config, 'bench');
const workspace = await createWorkspace(handle.db, config.masterSecret, { slug: 'bench' });
const { key } = await createApiKey(handle.db, workspace, { name: 'bench' });
serve({ fetch: createApp({ db: handle.db, config }).fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port, key })}\n`);
});
