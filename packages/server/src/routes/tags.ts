import { listTagCounts } from '@hatchery/core';
import { Hono } from 'hono';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';

export function tagRoutes(deps: Deps) {
  return new Hono<Env>().get('/', needs('customers.read'), async (c) =>
    c.json({ tags: await listTagCounts(deps.db, c.get('caller').workspace) }),
  );
}
