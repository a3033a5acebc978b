import { getScoringRun, rescoreWorkspace, type Workspace } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { startInBackground } from '../background.ts';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse } from '../validate.ts';

/** Starts a full rescoring that runs on after the answer; resolves with its run id. */
export function startRescore(
  deps: Deps,
  workspace: Workspace,
  actor: string,
  options: { rebuildAggregates?: boolean } = {},
) {
  return startInBackground('rescoring', (onStart) =>
    rescoreWorkspace(deps.db, workspace, { actor, onStart, ...options }),
  );
}

export function scoringRunRoutes(deps: Deps) {
  return new Hono<Env>()
    .post('/', needs('scores.rescore'), async (c) => {
      const caller = c.get('caller');
      const id = await startRescore(deps, caller.workspace, caller.actor);
      return c.json(await getScoringRun(deps.db, caller.workspace, id), 202);
    })
    .get('/:id', needs('customers.read'), async (c) => {
      const id = parse(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER), c.req.param('id'));
      return c.json(await getScoringRun(deps.db, c.get('caller').workspace, id));
    });
}
