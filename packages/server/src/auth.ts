import { AppError, authenticateApiKey, authenticateSession } from '@hatchery/core';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Deps, Env } from './context.ts';

export const SESSION_COOKIE = 'hatchery_session';

/** Browsers cannot add this header to a cross-site request without a CORS preflight, which is never granted. */
export const CSRF_HEADER = 'x-hatchery-request';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every /v1 call but login: a Bearer API key (integrations) or the console's session cookie
 * (operators), both becoming a Caller. A cookie rides along on any request the browser makes,
 * so changes made with one also need the CSRF header; SameSite=Strict is the first line.
 */
export function authenticate(deps: Deps): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.req.method === 'POST' && c.req.path === '/v1/session') {
      return next();
    }
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (key === '') {
        throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>"');
      }
      c.set('caller', await authenticateApiKey(deps.db, deps.config.masterSecret, key));
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token === undefined || token === '') {
      throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>", or log in');
    }
    if (MUTATING.has(c.req.method) && c.req.header(CSRF_HEADER) !== '1') {
      throw new AppError('forbidden', `changes made with a session cookie need the header ${CSRF_HEADER}: 1`);
    }
    c.set('caller', await authenticateSession(deps.db, deps.config.masterSecret, token));
    return next();
  };
}
