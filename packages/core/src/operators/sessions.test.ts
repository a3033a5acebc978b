import { afterAll, beforeAll, expect, test } from 'vitest';
import { listAudit } from '../audit/audit.queries.ts';
import type { DbHandle } from '../db/create-db.ts';
import { createTestDb, createTestWorkspace, TEST_SECRET } from '../testing/test-db.ts';
import { can } from '../workspaces/caller.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { createOperator, setOperatorPassword } from './create-operator.ts';
import { LOCKOUT, SESSION_HOURS } from './lockout.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { authenticateSession, logIn, logOut } from './sessions.ts';

let h: DbHandle;
let ws: Workspace;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  h = await createTestDb();
  ws = await createTestWorkspace(h, 'ops');
  await createOperator(h.db, ws, { login: 'Alice', role: 'admin', password: PASSWORD }, 'test');
  await createOperator(h.db, ws, { login: 'vic', role: 'viewer', password: PASSWORD }, 'test');
});
afterAll(() => h.close());

const login = (name: string, password: string, now?: Date) =>
  logIn(h.db, TEST_SECRET, { workspace: 'ops', login: name, password }, now);

test('passwords are stored as salted argon2id hashes that verify only the right password', async () => {
  const rows = await h.db.selectFrom('operators').select(['login', 'password_hash']).execute();
  expect(rows.map((r) => r.login).sort()).toEqual(['alice', 'vic']);
  for (const row of rows) {
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  }
  expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  const hash = await hashPassword('another password');
  expect(await verifyPassword('another password', hash)).toBe(true);
  expect(await verifyPassword('another passwore', hash)).toBe(false);
  expect(await verifyPassword('x', 'not a hash')).toBe(false);
});

test('bad logins, roles, short passwords and duplicates are refused', async () => {
  const bad = [
    { login: 'Bad Login', role: 'admin', password: PASSWORD },
    { login: 'bob', role: 'owner', password: PASSWORD },
    { login: 'bob', role: 'admin', password: 'short' },
  ];
  for (const input of bad) {
    await expect(createOperator(h.db, ws, input, 'test')).rejects.toMatchObject({ code: 'invalid_request' });
  }
  await expect(
    createOperator(h.db, ws, { login: 'alice', role: 'viewer', password: PASSWORD }, 'test'),
  ).rejects.toMatchObject({ code: 'conflict' });
});

test('a session authenticates with the role of its operator until logout; only its hash is stored', async () => {
  const { token, caller, expiresAt } = await login(' ALICE ', PASSWORD);
  expect(caller).toMatchObject({ role: 'admin', actor: 'operator:alice', apiKeyId: null, canUnmask: true });
  expect(expiresAt.getTime() - Date.now()).toBeGreaterThan((SESSION_HOURS - 1) * 3_600_000);
  const sessions = await h.db.selectFrom('operator_sessions').selectAll().execute();
  expect(JSON.stringify(sessions)).not.toContain(token.slice(3));

  const again = await authenticateSession(h.db, TEST_SECRET, token);
  expect(again.workspace.slug).toBe('ops');
  expect(can(again, 'audit.read')).toBe(true);
  await logOut(h.db, again);
  await expect(authenticateSession(h.db, TEST_SECRET, token)).rejects.toMatchObject({ code: 'unauthorized' });

  const viewer = await login('vic', PASSWORD);
  expect(viewer.caller.canUnmask).toBe(false);
  expect(can(viewer.caller, 'merges.undo')).toBe(false);
  expect(can(viewer.caller, 'customers.read')).toBe(true);
});

test('a session expires', async () => {
  const { token, expiresAt } = await login('vic', PASSWORD);
  const later = new Date(expiresAt.getTime() + 1);
  await expect(authenticateSession(h.db, TEST_SECRET, token, later)).rejects.toMatchObject({
    code: 'unauthorized',
  });
  await expect(authenticateSession(h.db, TEST_SECRET, 'hs_forged')).rejects.toMatchObject({
    code: 'unauthorized',
  });
});

test('unknown workspaces and logins get the same answer as a wrong password', async () => {
  for (const input of [
    { workspace: 'nope', login: 'alice', password: PASSWORD },
    { workspace: 'ops', login: 'nobody', password: PASSWORD },
  ]) {
    await expect(logIn(h.db, TEST_SECRET, input)).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'wrong workspace, login or password',
    });
  }
});

test(`${LOCKOUT.failures} wrong passwords in a row lock the operator for ${LOCKOUT.minutes} minutes, audited`, async () => {
  await createOperator(h.db, ws, { login: 'mallory', role: 'operator', password: PASSWORD }, 'test');
  const now = new Date();
  for (let i = 1; i < LOCKOUT.failures; i += 1) {
    await expect(login('mallory', `wrong ${i}`, now)).rejects.toMatchObject({ code: 'unauthorized' });
  }
  await expect(login('mallory', 'wrong again', now)).rejects.toMatchObject({ code: 'too_many_attempts' });
  // Locked: even the right password is refused, until the lock runs out.
  await expect(login('mallory', PASSWORD, new Date(now.getTime() + 60_000))).rejects.toMatchObject({
    code: 'too_many_attempts',
  });
  const after = new Date(now.getTime() + LOCKOUT.minutes * 60_000 + 1000);
  const ok = await login('mallory', PASSWORD, after);
  expect(ok.caller.role).toBe('operator');
  const row = await h.db
    .selectFrom('operators')
    .selectAll()
    .where('login', '=', 'mallory')
    .executeTakeFirst();
  expect(row).toMatchObject({ failed_logins: 0, locked_until: null });

  const actions = (await listAudit(h.db, ws.id, { limit: 100 }))
    .filter((a) => a.target === 'operator:mallory')
    .map((a) => a.action);
  expect(actions).toContain('operator.locked');
  expect(actions.filter((a) => a === 'operator.login_failed')).toHaveLength(LOCKOUT.failures);
  expect(actions[0]).toBe('operator.login');
});

test('a new password lifts a lockout', async () => {
  await createOperator(h.db, ws, { login: 'eve', role: 'analyst', password: PASSWORD }, 'test');
  for (let i = 0; i < LOCKOUT.failures; i += 1) {
    await login('eve', 'wrong').catch(() => undefined);
  }
  await expect(login('eve', PASSWORD)).rejects.toMatchObject({ code: 'too_many_attempts' });
  await setOperatorPassword(h.db, ws, 'eve', 'a brand new password', 'test');
  expect((await login('eve', 'a brand new password')).caller.role).toBe('analyst');
});
