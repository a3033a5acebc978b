import { getScoringRun, getWorkspaceSettings, updateWorkspace } from '@hatchery/core';
import { Hono } from 'hono';
import type { Deps, Env } from '../context.ts';
import { needs } from '../permissions.ts';
import { readJson } from '../validate.ts';
import { startRescore } from './scoring-runs.ts';

/**
 * The caller's workspace: its name and time zone. Business days are counted in the zone, so
 * moving it starts a run that rebuilds every customer's aggregates from their events and then
 * rescores everyone (answered 202 with the run, as saving the value model is); a rename alone
 * answers 200. The next request already sees the new zone: workspaces are read afresh by every
 * request's authentication, never cached.
 */
export function workspaceRoutes(deps: Deps) {
  return new Hono<Env>()
    .get('/', needs('customers.read'), async (c) =>
      c.json(await getWorkspaceSettings(deps.db, c.get('caller').workspace)),
    )
    .put('/', needs('settings.manage'), async (c) => {
      const caller = c.get('caller');
      // The core validates the body (an IANA zone both the runtime and the database know).
      const updated = await updateWorkspace(
        deps.db,
        caller.workspace,
        await readJson(c.req.raw),
        caller.actor,
      );
      if (!updated.time_zone_changed) {
        return c.json({ ...updated.settings, run: null });
      }
      const runId = await startRescore(deps, updated.workspace, caller.actor, { rebuildAggregates: true });
      return c.json(
        { ...updated.settings, run: await getScoringRun(deps.db, updated.workspace, runId) },
        202,
      );
    });
}
