import { AppError, ingestEvents, MAX_BATCH } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';

const BatchSchema = z.object({ events: z.array(z.unknown()).min(1) }).strict();

export function eventRoutes(deps: Deps) {
  return new Hono<Env>().post('/', needs('events.write'), async (c) => {
    const body = parse(BatchSchema, await readJson(c.req.raw));
    if (body.events.length > MAX_BATCH) {
      throw new AppError(
        'batch_too_large',
        `a batch holds at most ${MAX_BATCH} events, got ${body.events.length}`,
      );
    }
    const results = await ingestEvents(deps.db, c.get('caller').workspace, body.events);
    const summary = { stored: 0, duplicate: 0, conflict: 0, rejected: 0 };
    for (const r of results) {
      summary[r.status] += 1;
    }
    return c.json({ summary, results });
  });
}
