import {
  addManualTag,
  findCustomers,
  getCustomer360,
  getCustomerScores,
  IDENTITY_KINDS,
  listCustomers,
  removeManualTag,
  summariseCustomers,
} from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';

const SearchSchema = z.object({
  q: z.string().min(1).max(256),
  kind: z.enum(IDENTITY_KINDS).optional(),
  scope: z.string().min(1).max(128).optional(),
});

const PageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

const ViewSchema = z.object({
  unmask: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(64).optional(),
});

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function customerRoutes(deps: Deps) {
  return (
    new Hono<Env>()
      .get('/', needs('customers.read'), async (c) => {
        const workspace = c.get('caller').workspace;
        if (c.req.query('q') === undefined) {
          // No search text: the customer list, keyset-paged by id.
          return c.json(await listCustomers(deps.db, workspace, parse(PageSchema, c.req.query())));
        }
        const query = parse(SearchSchema, c.req.query());
        const ids = await findCustomers(deps.db, workspace, query);
        // Search hits are few; their summary rows save the console a call per hit.
        return c.json({ customer_ids: ids, customers: await summariseCustomers(deps.db, workspace, ids) });
      })
      .get('/:id', needs('customers.read'), async (c) => {
        const id = parse(IdSchema, c.req.param('id'));
        const view = parse(ViewSchema, c.req.query());
        const caller = c.get('caller');
        const customer = await getCustomer360(deps.db, caller.workspace, id, {
          viewer: { actor: caller.actor, canUnmask: caller.canUnmask },
          unmask: view.unmask === 'true',
          timeline: { limit: view.limit, cursor: view.cursor },
        });
        return c.json(customer);
      })
      .get('/:id/scores', needs('customers.read'), async (c) => {
        const id = parse(IdSchema, c.req.param('id'));
        return c.json(await getCustomerScores(deps.db, c.get('caller').workspace, id));
      })
      // Manual tags (`manual:<name>`, with an optional note; audited). Removal names the tag in the
      // query string, as DELETE bodies are not reliably passed on by proxies.
      .post('/:id/tags', needs('customers.tag'), async (c) => {
        const caller = c.get('caller');
        const id = parse(IdSchema, c.req.param('id'));
        const added = await addManualTag(
          deps.db,
          caller.workspace,
          id,
          await readJson(c.req.raw),
          caller.actor,
        );
        return c.json(added, added.created ? 201 : 200);
      })
      .delete('/:id/tags', needs('customers.tag'), async (c) => {
        const caller = c.get('caller');
        const id = parse(IdSchema, c.req.param('id'));
        const input = { tag: c.req.query('tag'), note: c.req.query('note') };
        await removeManualTag(deps.db, caller.workspace, id, input, caller.actor);
        return c.body(null, 204);
      })
  );
}
