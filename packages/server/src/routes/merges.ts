import { undoMerge } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse } from '../validate.ts';

export function mergeRoutes(deps: Deps) {
  return new Hono<Env>().post('/:id/undo', needs('merges.undo'), async (c) => {
    const id = parse(z.coerce.number().int().positive(), c.req.param('id'));
    const caller = c.get('caller');
    return c.json(await undoMerge(deps.db, caller.workspace, id, caller.actor));
  });
}
