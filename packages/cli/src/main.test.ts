import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

// The CLI as a user runs it, on its own embedded database in a fresh folder.
const dataDir = mkdtempSync(join(tmpdir(), 'hatchery-cli-'));
const { DATABASE_URL: _ignored, ...inherited } = process.env;
const env = { ...inherited, HATCHERY_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function hatchery(...args: string[]) {
  const run = spawnSync(process.execPath, [join(import.meta.dirname, 'main.ts'), ...args], {
    env,
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('hatchery CLI', () => {
  test('creates a workspace, then a key it shows once, lists and revokes it', () => {
    expect(hatchery('workspace', 'create', 'deer-skin', '--name', '小鹿美肌').out).toContain(
      'created workspace deer-skin',
    );
    expect(hatchery('workspace', 'list').out).toContain('deer-skin\t小鹿美肌\tAsia/Shanghai');

    const created = hatchery('key', 'create', 'deer-skin', '--name', 'tmall sync');
    expect(created.code).toBe(0);
    const key = /^(hk_\S+)$/m.exec(created.out)?.[1];
    expect(key).toBeDefined();
    const listed = hatchery('key', 'list', 'deer-skin').out;
    expect(listed).toMatch(/^1\thk_\S{6}…\ttmall sync\tmasked\tactive$/m);
    expect(listed).not.toContain(key);

    expect(hatchery('key', 'revoke', 'deer-skin', '1').out).toContain('revoked API key 1');
    expect(hatchery('key', 'list', 'deer-skin').out).toMatch(/\trevoked /);
    const again = hatchery('key', 'revoke', 'deer-skin', '1');
    expect(again.code).toBe(1);
    expect(again.err).toContain('error [not_found]');
  });

  test('bad input is a clear error with a code', () => {
    const duplicate = hatchery('workspace', 'create', 'deer-skin');
    expect([duplicate.code, duplicate.err.trim()]).toEqual([
      1,
      'error [conflict]: workspace deer-skin already exists',
    ]);
    expect(hatchery('key', 'create', 'no-such-brand').err).toContain(
      'error [not_found]: no workspace no-such-brand',
    );
    expect(hatchery('customer', '13800138000', '--workspace', 'deer-skin').out).toContain(
      'no customer matches',
    );
    const unknown = hatchery('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('hatchery workspace create');
  });
});
