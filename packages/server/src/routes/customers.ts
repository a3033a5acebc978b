import { findCustomers, getCustomer360, getCustomerScores, IDENTITY_KINDS } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { parse } from '../validate.ts';

const SearchSchema = z.object({
  q: z.string().min(1).max(256),
  kind: z.enum(IDENTITY_KINDS).optional(),
  scope: z.string().min(1).max(128).optional(),
});

const ViewSchema = z.object({
  unmask: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(64).optional(),
});

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function customerRoutes(deps: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => {
      const query = parse(SearchSchema, c.req.query());
      const ids = await findCustomers(deps.db, c.get('caller').workspace, query);
      return c.json({ customer_ids: ids });
    })
    .get('/:id', async (c) => {
      const id = parse(IdSchema, c.req.param('id'));
      const view = parse(ViewSchema, c.req.query());
      const caller = c.get('caller');
      const customer = await getCustomer360(deps.db, caller.workspace, id, {
        viewer: { actor: `api_key:${caller.apiKeyId}`, canUnmask: caller.canUnmask },
        unmask: view.unmask === 'true',
        timeline: { limit: view.limit, cursor: view.cursor },
      });
      return c.json(customer);
    })
    .get('/:id/scores', async (c) => {
      const id = parse(IdSchema, c.req.param('id'));
      return c.json(await getCustomerScores(deps.db, c.get('caller').workspace, id));
    });
}
