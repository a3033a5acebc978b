import { getOverview, getScoreDistribution } from '@hatchery/core';
import { Hono } from 'hono';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';

export function overviewRoutes(deps: Deps) {
  return new Hono<Env>()
    .get('/', needs('customers.read'), async (c) =>
      c.json(await getOverview(deps.db, c.get('caller').workspace)),
    )
    .get('/scores', needs('customers.read'), async (c) =>
      c.json(await getScoreDistribution(deps.db, c.get('caller').workspace)),
    );
}
