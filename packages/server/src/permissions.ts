import { type Permission, requirePermission } from '@hatchery/core';
import type { MiddlewareHandler } from 'hono';
import type { Env } from './context.ts';

/** A route guard: the caller's role (or key) must carry this permission (core's roles matrix). */
export function needs(permission: Permission): MiddlewareHandler<Env> {
  return async (c, next) => {
    requirePermission(c.get('caller'), permission);
    await next();
  };
}
