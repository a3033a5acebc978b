import { ApiKeyInputSchema, createApiKey, listApiKeys, revokeApiKey } from '@hatchery/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { parse, readJson } from '../validate.ts';

const IdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * The workspace's API keys, for admins in the console (apikeys.manage, which no API key carries:
 * a key cannot mint or revoke keys). A new key is answered once, in full; afterwards only its
 * prefix is ever shown, since only its hash is kept. Creating and revoking are audited.
 */
export function apiKeyRoutes(deps: Deps) {
  return new Hono<Env>()
    .get('/', needs('apikeys.manage'), async (c) =>
      c.json({ keys: await listApiKeys(deps.db, c.get('caller').workspace) }),
    )
    .post('/', needs('apikeys.manage'), async (c) => {
      const caller = c.get('caller');
      const body = parse(ApiKeyInputSchema, await readJson(c.req.raw));
      const created = await createApiKey(deps.db, caller.workspace, {
        name: body.name,
        canUnmask: body.can_unmask,
        actor: caller.actor,
      });
      return c.json(
        {
          id: created.id,
          name: body.name,
          prefix: created.prefix,
          can_unmask: body.can_unmask,
          created_at: created.created_at,
          created_by: caller.actor,
          key: created.key,
        },
        201,
      );
    })
    .delete('/:id', needs('apikeys.manage'), async (c) => {
      const caller = c.get('caller');
      const id = parse(IdSchema, c.req.param('id'));
      return c.json(await revokeApiKey(deps.db, caller.workspace, id, caller.actor));
    });
}
