import {
  addManualTag,
  countCustomers,
  EXPORT_FORMATS,
  exportCustomers,
  getCustomer360,
  getCustomerScores,
  IDENTITY_KINDS,
  listCustomers,
  removeManualTag,
} from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';

/** A filter in a query string is URL-encoded JSON; larger filters belong in a saved segment. */
export const MAX_FILTER_PARAM = 8192;

const FilterParam = z
  .string()
  .max(MAX_FILTER_PARAM)
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON: a filter of the filter language, URL-encoded' });
      return z.NEVER;
    }
  });

/** Which customers: search text, an ad-hoc filter and a saved segment, all of which must hold. */
export const SelectionQuerySchema = z.object({
  q: z.string().min(1).max(256).optional(),
  kind: z.enum(IDENTITY_KINDS).optional(),
  scope: z.string().min(1).max(128).optional(),
  filter: FilterParam.optional(),
  segment: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

const ListSchema = SelectionQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

const ExportSchema = SelectionQuerySchema.extend({ format: z.enum(EXPORT_FORMATS).default('csv') });

const ViewSchema = z.object({
  unmask: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(64).optional(),
});

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function customerRoutes(deps: Deps) {
  return (
    new Hono<Env>()
      // The list, keyset-paged by id, or the search hits; narrowed by `filter` and `segment`.
      .get('/', needs('customers.read'), async (c) =>
        c.json(await listCustomers(deps.db, c.get('caller').workspace, parse(ListSchema, c.req.query()))),
      )
      // Apart from the pages, so that a page never waits for a count over the whole workspace.
      .get('/count', needs('customers.read'), async (c) =>
        c.json(
          await countCustomers(
            deps.db,
            c.get('caller').workspace,
            parse(SelectionQuerySchema, c.req.query()),
          ),
        ),
      )
      .get('/export', needs('customers.export'), async (c) => {
        const caller = c.get('caller');
        const { format, ...selection } = parse(ExportSchema, c.req.query());
        const out = await exportCustomers(deps.db, caller.workspace, selection, format, caller.actor);
        return new Response(out.body, {
          headers: {
            'content-type': out.contentType,
            'content-disposition': `attachment; filename="${out.filename}"`,
            'cache-control': 'no-store',
          },
        });
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
