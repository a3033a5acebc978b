import { listAuditLog } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse } from '../validate.ts';

const PageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export function auditRoutes(deps: Deps) {
  return new Hono<Env>().get('/', needs('audit.read'), async (c) => {
    const page = parse(PageSchema, c.req.query());
    return c.json(await listAuditLog(deps.db, c.get('caller').workspace, page));
  });
}
