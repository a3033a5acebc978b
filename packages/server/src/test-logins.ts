import { createOperator, type Db, type Role, type Workspace } from '@hatchery/core';
import type { createApp } from './app.ts';

/**
 * For the server's tests: makes an operator of each role in the workspace and logs each in
 * through POST /v1/session; returns their session cookies by role.
 */
export async function logInEveryRole<R extends Role>(
  app: ReturnType<typeof createApp>,
  db: Db,
  workspace: Workspace,
  roles: readonly R[],
  password: string,
): Promise<Record<R, string>> {
  const cookies = {} as Record<R, string>;
  for (const role of roles) {
    await createOperator(db, workspace, { login: role, role, password }, 'test');
    const res = await app.request('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: workspace.slug, login: role, password }),
    });
    if (res.status !== 200) {
      throw new Error(`logging in as ${role} answered ${res.status}`);
    }
    cookies[role] = /hatchery_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  }
  return cookies;
}
