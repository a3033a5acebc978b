import { listRankings } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse } from '../validate.ts';

const RankingSchema = z.object({
  kind: z.enum(['total', 'super_user', 'second_tier', 'koc_candidate']).default('total'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(64).optional(),
});

export function rankingRoutes(deps: Deps) {
  return new Hono<Env>().get('/', needs('customers.read'), async (c) => {
    const page = parse(RankingSchema, c.req.query());
    return c.json(await listRankings(deps.db, c.get('caller').workspace, page));
  });
}
