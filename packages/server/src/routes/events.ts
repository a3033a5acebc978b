import { ingestEventBody } from '@hatchery/core';
import { Hono } from 'hono';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';

export function eventRoutes(deps: Deps) {
  return new Hono<Env>().post('/', needs('events.write'), async (c) => {
    // The body goes to ingestion as bytes: reading and validating it happens off this thread.
    const body = new Uint8Array(await c.req.arrayBuffer());
    const results = await ingestEventBody(deps.db, c.get('caller').workspace, body);
    const summary = { stored: 0, duplicate: 0, conflict: 0, rejected: 0 };
    for (const r of results) {
      summary[r.status] += 1;
    }
    return c.json({ summary, results });
  });
}
