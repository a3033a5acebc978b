import { getScoringRun, getValueModel, previewValueModel, saveValueModel } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';
import { startRescore } from './scoring-runs.ts';

const PreviewSchema = z.object({
  weights: z.unknown(),
  limit: z.number().int().min(1).max(200).default(50),
});

export function valueModelRoutes(deps: Deps) {
  return new Hono<Env>()
    .get('/', needs('customers.read'), async (c) =>
      c.json(await getValueModel(deps.db, c.get('caller').workspace)),
    )
    .put('/', needs('settings.manage'), async (c) => {
      const caller = c.get('caller');
      // The core validates the model; a new version rescores everyone at once.
      const saved = await saveValueModel(deps.db, caller.workspace, await readJson(c.req.raw), caller.actor);
      const runId = await startRescore(deps, caller.workspace, caller.actor);
      return c.json({ ...saved, run: await getScoringRun(deps.db, caller.workspace, runId) }, 202);
    })
    .post('/preview', needs('customers.read'), async (c) => {
      const body = parse(PreviewSchema, await readJson(c.req.raw));
      return c.json({
        rows: await previewValueModel(deps.db, c.get('caller').workspace, body.weights, body.limit),
      });
    });
}
