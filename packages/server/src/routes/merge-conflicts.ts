import { listMergeConflicts } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse } from '../validate.ts';

const ListSchema = z.object({
  status: z.enum(['open', 'resolved', 'dismissed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export function mergeConflictRoutes(deps: Deps) {
  return new Hono<Env>().get('/', needs('customers.read'), async (c) => {
    const options = parse(ListSchema, c.req.query());
    return c.json(await listMergeConflicts(deps.db, c.get('caller').workspace, options));
  });
}
