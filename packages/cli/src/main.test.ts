import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

// The CLI as a user runs it, on its own embedded database in a fresh folder.
const dataDir = mkdtempSync(join(tmpdir(), 'hatchery-cli-'));
const { DATABASE_URL: _ignored, ...inherited } = process.env;
const env = { ...inherited, HATCHERY_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function hatchery(...args: string[]) {
  return hatcheryWithInput(undefined, ...args);
}

function hatcheryWithInput(input: string | undefined, ...args: string[]) {
  const run = spawnSync(process.execPath, [join(import.meta.dirname, 'main.ts'), ...args], {
    env,
    encoding: 'utf8',
    input,
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

  test('imports a shop export with a summary and the rejected lines, and a dry run stores nothing', () => {
    const file = join(dataDir, 'jd.csv');
    writeFileSync(
      file,
      [
        '订单号,商品名称,订购数量,京东价,应付金额,订单状态,下单帐号,下单时间,付款确认时间',
        '70001,精华液,1,99.00,99.00,完成,jd_amy,2024-10-07 09:00:00,2024-10-07 09:01:00',
        '70002,面霜,1,abc,abc,完成,jd_bob,2024-10-07 09:00:00,2024-10-07 09:01:00',
      ].join('\r\n'),
    );
    const dry = hatchery('import', file, '--workspace', 'deer-skin', '--dry-run');
    expect(dry.out).toMatch(/^import 1 \(dry run: nothing stored\): done, format jd_orders$/m);
    const real = hatchery('import', file, '--workspace', 'deer-skin');
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/^import 2: done, format jd_orders$/m);
    expect(real.out).toContain('rows read 2, imported 1, rejected 1, skipped 0');
    expect(real.out).toContain('customers 0 → 1, merges 0');
    expect(real.out).toMatch(/line 3 rejected .*abc/);
    expect(real.err).toContain('importing jd.csv (bytes): 100%');
    expect(hatchery('customer', 'jd_amy', '--workspace', 'deer-skin').out).toMatch(
      /jd\s+1 orders\s+¥99\.00 net/,
    );
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

  test('creates operators with a role, the password from a flag or stdin, and lists them', () => {
    hatchery('workspace', 'create', 'ops-cli');
    const made = hatchery(
      'operator',
      'create',
      'ops-cli',
      'Li.Na',
      '--role',
      'operator',
      '--password',
      'long enough pw',
    );
    expect(made.out).toContain('operator li.na (operator) created in ops-cli');
    const piped = hatcheryWithInput(
      'another long pw\n',
      'operator',
      'create',
      'ops-cli',
      'wang',
      '--role',
      'viewer',
    );
    expect(piped.out).toContain('operator wang (viewer) created in ops-cli');
    expect(hatchery('operator', 'list', 'ops-cli').out).toMatch(/^\d+\tli\.na\toperator\tli\.na$/m);
    const bad = hatchery(
      'operator',
      'create',
      'ops-cli',
      'zhao',
      '--role',
      'owner',
      '--password',
      'long enough pw',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('error [invalid_request]: role');
  });
});

describe('hatchery score', () => {
  test('rescores the workspace the import filled and shows its top customers and tags', () => {
    const run = hatchery('score', '--workspace', 'deer-skin', '--top', '3');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^scored 1 customers in [\d.]+ s, 1 changed \(run 1, model v0\)$/m);
    expect(run.out).toMatch(/^ {2}1\. #1 .* total [\d.]+ {2}\(consumption \d+/m);
    expect(run.out).toContain('  shop:jd: 1');
    expect(run.err).toContain('scoring deer-skin');
    expect(hatchery('score', '--workspace', 'deer-skin', '--top', 'x').err).toContain(
      'error [invalid_request]',
    );
  });
});
