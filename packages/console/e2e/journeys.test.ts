import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DbHandle, DEFAULT_DEMO, type DemoLogin, ensureDemo } from '@hatchery/core';
import { createTestDb, TEST_SECRET } from '@hatchery/core/testing';
import { createApp } from '@hatchery/server';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildConsole } from '../../../scripts/build-console.ts';

/**
 * The operator's journeys through the real console: the built bundle served by the real server
 * (in-process, random port) on a fresh database with a small demo brand, driven by Debian's
 * Chromium. Each page's 1440×900 screenshot goes to test-output/screenshots/.
 * Set HATCHERY_E2E=0 to skip (for a machine without Chromium); CI always runs it.
 */
const disabled = process.env.HATCHERY_E2E === '0';
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shots = join(repo, 'test-output', 'screenshots');
const SAMPLE = join(
  repo,
  '..',
  'shared',
  'formats',
  'samples',
  'douyin',
  'doudian_order_export_min_fixture.csv',
);
const CHROMIUM = '/usr/bin/chromium';

let h: DbHandle;
let server: ServerType;
let browser: Browser;
let base = '';
let apiKey = '';
let logins: DemoLogin[] = [];
let dataDir = '';

beforeAll(async () => {
  if (disabled) {
    return;
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or HATCHERY_E2E=0 to skip)`);
  }
  await buildConsole({ quiet: true });
  h = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'hatchery-e2e-'));
  const demo = await ensureDemo(h.db, { masterSecret: TEST_SECRET, dataDir }, () => undefined, {
    ...DEFAULT_DEMO,
    customers: 400,
    days: 60,
    communities: 4,
  });
  apiKey = demo.apiKey;
  logins = demo.logins;
  const app = createApp({
    db: h.db,
    config: { masterSecret: TEST_SECRET },
    consoleDir: join(repo, 'packages', 'console', 'dist'),
  });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await h?.close();
  if (dataDir) {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function password(login: string): string {
  return logins.find((l) => l.login === login)!.password;
}

async function asApi<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function logIn(login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password(login));
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

async function shot(page: Page, name: string, settle = false): Promise<void> {
  await page.waitForLoadState('networkidle');
  if (settle) {
    // ECharts animates for about a second after each (re)draw.
    await page.waitForTimeout(1200);
  }
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

type Profile = {
  id: number;
  identities: { kind: string; value: string }[];
  merges: { id: number; undone_at: string | null }[];
};

describe.skipIf(disabled)('console journeys on the demo brand', () => {
  let merged: { id: number; to: number; phone: string };

  test('the login page, then the overview with its charts', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(10_000);
    const login = await context.newPage();
    await login.goto(`${base}/customers`);
    await login.getByRole('button', { name: '登录' }).waitFor();
    await shot(login, '01-login');
    await login.getByLabel('账号').fill('admin');
    await login.getByLabel('密码').fill('not the password');
    await login.getByRole('button', { name: '登录' }).click();
    await expect(login.getByText('wrong workspace, login or password').waitFor()).resolves.toBeUndefined();
    await context.close();

    const page = await logIn('admin');
    await page.getByText('各店铺购买客户').waitFor();
    await page.getByText('跨店铺重合客户').waitFor();
    expect(await page.getByTestId('chart-by-shop').locator('canvas').count()).toBe(1);
    expect(await page.getByText('客户数').count()).toBeGreaterThan(0);
    await shot(page, '02-overview', true);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Buyers by shop').waitFor();
    await page.getByRole('menuitem', { name: 'Customers' }).waitFor();
    await shot(page, '02-overview-en', true);
    await page.getByRole('button', { name: '中文' }).click();
    await page.context().close();
  });

  test('customers: a server-paged list; find a customer by phone and open the 360', async () => {
    // A merged profile of the demo, and its phone (the demo key may unmask).
    const move = await h.db
      .selectFrom('identity_moves')
      .select(['id', 'to_customer_id'])
      .where('reason', '=', 'merge')
      .where('undone_at', 'is', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const profile = await asApi<Profile>(`/v1/customers/${move.to_customer_id}?unmask=true`);
    const phone = profile.identities.find((i) => i.kind === 'phone')!.value;
    merged = { id: move.id, to: profile.id, phone };

    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '客户' }).click();
    await page.getByRole('button', { name: '下一页' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(20);
    await shot(page, '03-customers');
    await page.getByRole('button', { name: '下一页' }).click();
    await page.getByRole('link', { name: '21', exact: true }).waitFor();

    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    await page.getByPlaceholder('手机号、昵称、pin 或任意身份 ID').fill(spaced);
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('link', { name: String(profile.id), exact: true }).click();
    await page.getByText(`客户 ${profile.id}`).waitFor();
    await page
      .getByText(`${phone.slice(0, 3)}****${phone.slice(7)}`)
      .first()
      .waitFor();
    await page.getByText('合并记录').waitFor();
    await shot(page, '04-customer-360');

    // The admin may unmask: the full phone appears, and the unmask is audited.
    await page.getByRole('button', { name: '显示完整信息' }).click();
    await page.getByText(phone, { exact: true }).waitFor();
    await page.context().close();
  });

  test('undo a merge from the 360 and see it undone', async () => {
    const page = await logIn('admin');
    await page.goto(`${base}/customers/${merged.to}`);
    const row = page
      .getByTestId('merges')
      .locator('tr', { has: page.getByRole('cell', { name: String(merged.id), exact: true }) });
    await row.getByRole('button', { name: '撤销合并' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('合并已撤销').waitFor();
    await row.getByText('已撤销').waitFor();
    const after = await asApi<Profile>(`/v1/customers/${merged.to}`);
    expect(after.merges.find((m) => m.id === merged.id)?.undone_at).not.toBeNull();
    await shot(page, '05-customer-360-undone');

    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.getByRole('cell', { name: 'merge.undo' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'operator:admin' }).count()).toBeGreaterThan(0);
    await page.getByRole('cell', { name: 'customer.unmask' }).first().waitFor();
    await shot(page, '06-audit');
    await page.context().close();
  });

  test('upload a shop export, follow its progress and read its error report', async () => {
    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '数据导入' }).click();
    await shot(page, '07-imports');
    await page.locator('input[type=file]').setInputFiles(SAMPLE);
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByTestId('import-status').getByText('已完成').waitFor();
    await page.getByTestId('import-summary').getByText('douyin_orders').waitFor();
    const problems = page.getByTestId('import-problems');
    await problems.getByText('No buyer to attach the order to', { exact: false }).first().waitFor();
    expect(await problems.locator('tbody tr').count()).toBe(3);
    await shot(page, '08-import-report');
    await page.context().close();
  });

  test('a viewer sees masked phones, has no unmask, undo or upload, and the API refuses the unmask', async () => {
    const page = await logIn('viewer');
    expect(await page.getByRole('menuitem', { name: '审计日志' }).count()).toBe(0);
    await page.goto(`${base}/customers/${merged.to}`);
    await page.getByText(`客户 ${merged.to}`).waitFor();
    await page.getByText('合并记录').waitFor();
    expect(await page.getByRole('button', { name: '显示完整信息' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '撤销合并' }).count()).toBe(0);
    expect(await page.getByText(merged.phone, { exact: true }).count()).toBe(0);
    const refused = await page.evaluate(async (id) => {
      const res = await fetch(`/v1/customers/${id}?unmask=true`);
      return { status: res.status, body: await res.text() };
    }, merged.to);
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain(merged.phone);
    await shot(page, '09-customer-360-viewer');
    await page.getByRole('menuitem', { name: '数据导入' }).click();
    await page.getByText('你的角色不能上传文件').waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await page.context().close();
  });
});
