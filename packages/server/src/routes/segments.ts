import {
  createSegment,
  deleteSegment,
  EXPORT_FORMATS,
  exportSegment,
  filterCatalogue,
  getSegment,
  listSegmentCustomers,
  listSegments,
  previewSegment,
  updateSegment,
} from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const SegmentPageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(32).optional(),
});

const ExportSchema = z.object({ format: z.enum(EXPORT_FORMATS).default('csv') });

/**
 * Saved filters (the core validates filters and bodies): reading is customers.read, changing segments.manage.
 * GET /fields (the filter language for builders) comes before /:id, which would match it too.
 */
export function segmentRoutes(deps: Deps) {
  return new Hono<Env>()
    .post('/preview', needs('customers.read'), async (c) =>
      c.json(await previewSegment(deps.db, c.get('caller').workspace, await readJson(c.req.raw))),
    )
    .get('/fields', needs('customers.read'), (c) => c.json(filterCatalogue()))
    .get('/', needs('customers.read'), async (c) =>
      c.json(await listSegments(deps.db, c.get('caller').workspace)),
    )
    .post('/', needs('segments.manage'), async (c) => {
      const caller = c.get('caller');
      return c.json(
        await createSegment(deps.db, caller.workspace, await readJson(c.req.raw), caller.actor),
        201,
      );
    })
    .get('/:id', needs('customers.read'), async (c) =>
      c.json(await getSegment(deps.db, c.get('caller').workspace, parse(IdSchema, c.req.param('id')))),
    )
    .put('/:id', needs('segments.manage'), async (c) => {
      const caller = c.get('caller');
      const id = parse(IdSchema, c.req.param('id'));
      return c.json(
        await updateSegment(deps.db, caller.workspace, id, await readJson(c.req.raw), caller.actor),
      );
    })
    .delete('/:id', needs('segments.manage'), async (c) => {
      await deleteSegment(deps.db, c.get('caller').workspace, parse(IdSchema, c.req.param('id')));
      return c.body(null, 204);
    })
    .get('/:id/customers', needs('customers.read'), async (c) => {
      const id = parse(IdSchema, c.req.param('id'));
      const page = parse(SegmentPageSchema, c.req.query());
      return c.json(await listSegmentCustomers(deps.db, c.get('caller').workspace, id, page));
    })
    .get('/:id/export', needs('customers.export'), async (c) => {
      const caller = c.get('caller');
      const id = parse(IdSchema, c.req.param('id'));
      const { format } = parse(ExportSchema, c.req.query());
      const out = await exportSegment(deps.db, caller.workspace, id, format, caller.actor);
      return new Response(out.body, {
        headers: {
          'content-type': out.contentType,
          'content-disposition': `attachment; filename="${out.filename}"`,
          'cache-control': 'no-store',
        },
      });
    });
}
