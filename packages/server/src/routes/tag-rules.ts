import { createTagRule, deleteTagRule, listTagRules, updateTagRule } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Tag rules retag the whole workspace when saved: a setting (settings.manage); reading them is customers.read. */
export function tagRuleRoutes(deps: Deps) {
  return new Hono<Env>()
    .get('/', needs('customers.read'), async (c) =>
      c.json(await listTagRules(deps.db, c.get('caller').workspace)),
    )
    .post('/', needs('settings.manage'), async (c) => {
      const caller = c.get('caller');
      return c.json(
        await createTagRule(deps.db, caller.workspace, await readJson(c.req.raw), caller.actor),
        201,
      );
    })
    .put('/:id', needs('settings.manage'), async (c) => {
      const caller = c.get('caller');
      const id = parse(IdSchema, c.req.param('id'));
      return c.json(
        await updateTagRule(deps.db, caller.workspace, id, await readJson(c.req.raw), caller.actor),
      );
    })
    .delete('/:id', needs('settings.manage'), async (c) => {
      const caller = c.get('caller');
      await deleteTagRule(deps.db, caller.workspace, parse(IdSchema, c.req.param('id')), caller.actor);
      return c.body(null, 204);
    });
}
