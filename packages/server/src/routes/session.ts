import { AppError, type Caller, logIn, logOut } from '@hatchery/core';
import { type Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth.ts';
import type { Deps, Env } from '../context.ts';
import { parse } from '../validate.ts';

export const LoginSchema = z.object({
  workspace: z.string().min(1).max(63),
  login: z.string().min(1).max(63),
  password: z.string().min(1).max(256),
});

/** What the console needs to know about who is logged in (never the token). */
export function describeCaller(caller: Caller) {
  return {
    workspace: {
      slug: caller.workspace.slug,
      name: caller.workspace.name,
      time_zone: caller.workspace.timeZone,
    },
    operator: caller.operator && { login: caller.operator.login, display_name: caller.operator.displayName },
    role: caller.role,
    permissions: [...caller.permissions].sort(),
  };
}

/** Served over https (directly or behind a proxy that says so), the cookie is marked Secure. */
function isHttps(c: Context<Env>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export function sessionRoutes(deps: Deps) {
  return new Hono<Env>()
    .post('/', async (c) => {
      // A form on another site can post text/plain or urlencoded bodies, but not JSON.
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
        throw new AppError('invalid_request', 'log in with a JSON body { workspace, login, password }');
      }
      const input = parse(LoginSchema, await c.req.json().catch(() => undefined));
      const { token, expiresAt, caller } = await logIn(deps.db, deps.config.masterSecret, input);
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: isHttps(c),
        path: '/',
        expires: expiresAt,
      });
      return c.json(describeCaller(caller));
    })
    .get('/', (c) => c.json(describeCaller(c.get('caller'))))
    .delete('/', async (c) => {
      await logOut(deps.db, c.get('caller'));
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
      return c.json({ ok: true });
    });
}
