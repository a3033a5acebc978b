import { fileURLToPath } from 'node:url';
import { ensureDemo, loadConfig, openDatabase, progressBar } from '@hatchery/core';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { startJobs } from './jobs.ts';

/**
 * `npm start`: open (and migrate) the database, load the demo brand if missing, start the jobs
 * (the nightly rescoring), serve the API and the console.
 */
const config = loadConfig();
const handle = await openDatabase(config, 'server');
const where = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
console.log(`Hatchery: database ready (${where})`);

const demo = config.demo
  ? await ensureDemo(handle.db, config, progressBar('loading the demo brand (events)'))
  : null;

const jobs = await startJobs(handle, config.masterSecret);

// Built by `npm start`'s prestart step (scripts/build-console.ts) when missing or stale.
const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));

const server = serve(
  { fetch: createApp({ db: handle.db, config, consoleDir }).fetch, port: config.port, hostname: config.host },
  (info) => {
    const url = `http://${info.address}:${info.port}`;
    console.log(`Hatchery API listening on ${url}`);
    console.log(`Console: ${url}/`);
    if (demo) {
      // Printed before the key: scripts/smoke-start.ts reads up to the key line.
      const logins = demo.logins.map((l) => `${l.login} / ${l.password} (${l.role})`).join(', ');
      console.log(`Demo console logins (workspace "${demo.slug}"): ${logins}`);
      console.log(`Demo workspace "${demo.slug}" — API key: ${demo.apiKey}`);
      console.log(
        `Try: curl -H "Authorization: Bearer ${demo.apiKey}" "${url}/v1/customers?q=<phone or nick>"`,
      );
    }
  },
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      return;
    }
    stopping = true;
    server.close(() => {
      jobs
        .stop()
        .then(() => handle.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  });
}
