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

async function asApiPost<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const VALUES = ['consumption', 'interaction', 'content', 'social'] as const;
type Values = Record<(typeof VALUES)[number], number>;
type Ranked = Values & { customer_id: number; display: string; total: number; band: string };
/** How the console names the activity tags. */
const ACTIVITY_NAMES: Record<string, string> = {
  'activity:very_active': '极其活跃',
  'activity:active': '一般活跃',
  'activity:occasional': '偶尔活跃',
  'activity:silent': '沉默',
};
/** How the console prints scores and totals. */
const one = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

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
    await expect(login.getByText('品牌、账号或密码不对').waitFor()).resolves.toBeUndefined();
    await context.close();

    const page = await logIn('admin');
    await page.getByText('各店铺购买客户').waitFor();
    await page.getByText('跨店铺重合客户').waitFor();
    expect(await page.getByTestId('chart-by-shop').locator('canvas').count()).toBe(1);
    expect(await page.getByText('客户数').count()).toBeGreaterThan(0);
    await shot(page, '02-overview', true);
    // The value engine's charts, below the order figures.
    await page.getByText('RFM 分组').waitFor();
    expect(await page.getByTestId('chart-rfm-groups').locator('canvas').count()).toBe(1);
    expect(await page.getByTestId('chart-activity').locator('canvas').count()).toBe(1);
    await page.getByTestId('chart-value-distribution').scrollIntoViewIfNeeded();
    await shot(page, '02-overview-values', true);
    await page.evaluate('window.scrollTo(0, 0)');
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
    // The row's state, not the toast: under load the toast (shown for 3 s) can come and go unseen.
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

  test('an admin tags a customer by hand in the 360, the tag counts in filters, and removes it', async () => {
    const tagged = async () =>
      (
        await asApi<{ count: number }>(
          `/v1/customers/count?filter=${encodeURIComponent(JSON.stringify({ tag: 'manual:回访' }))}`,
        )
      ).count;
    expect(await tagged()).toBe(0);
    const page = await logIn('admin');
    await page.goto(`${base}/customers/${merged.to}`);
    const form = page.getByTestId('add-manual-tag');
    await form.getByLabel('标签名').fill('回访');
    await form.getByLabel('备注（可选）').fill('电话回访过');
    await form.getByRole('button', { name: '添加手动标签' }).click();
    const row = page.getByTestId('score-tags').locator('tr', { hasText: 'manual:回访' });
    await row.getByText('operator:admin 手动添加：电话回访过').waitFor();
    expect(await tagged()).toBe(1);
    await shot(page, '05b-customer-manual-tag');

    await row.getByRole('button', { name: '移除' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await row.waitFor({ state: 'detached' });
    expect(await tagged()).toBe(0);
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
    // The report speaks the console's language: Chinese by default, English on request.
    await problems.getByText('没有可关联订单的买家', { exact: false }).first().waitFor();
    expect(await problems.locator('tbody tr').count()).toBe(3);
    // The three lines share one reason: counted once, with the first line's words.
    const reasons = page.getByTestId('import-reasons').locator('tbody tr');
    expect(await reasons.count()).toBe(1);
    await reasons.first().getByText('没有可关联订单的买家', { exact: false }).waitFor();
    expect(await reasons.first().locator('td').nth(2).textContent()).toBe('3');
    await shot(page, '08-import-report');
    await page.getByRole('button', { name: 'English' }).click();
    await problems.getByText('No buyer to attach the order to', { exact: false }).first().waitFor();
    expect(await problems.getByText('没有可关联订单的买家', { exact: false }).count()).toBe(0);
    await page.getByRole('button', { name: '中文' }).click();
    // An item file whose orders are not imported yet: the summary says its items wait for them.
    const items = [
      '订单编号,标题,价格,购买数量,商家编码,订单状态',
      '="4100000000000000001",精华液,99.00,1,S1,交易成功',
    ];
    await page.locator('input[type=file]').setInputFiles({
      name: 'ExportOrderDetailList.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${items.join('\r\n')}\r\n`),
    });
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.getByTestId('import-summary').getByText('taobao_order_items').waitFor();
    await page
      .getByTestId('import-summary')
      .getByText('已关联到 0 个订单；1 个订单的明细等订单报表导入后再关联')
      .waitFor();
    // Its order arrives: the waiting items are attached to it.
    const upload = async (name: string, lines: string[], format: string) => {
      await page.locator('input[type=file]').setInputFiles({
        name,
        mimeType: 'text/csv',
        buffer: Buffer.from(`${lines.join('\r\n')}\r\n`),
      });
      await page.getByRole('button', { name: '开始导入' }).click();
      await page.getByTestId('import-summary').getByText(format).waitFor();
    };
    await upload(
      'ExportOrderList.csv',
      [
        '订单编号,买家会员名,买家实际支付金额,订单状态,订单付款时间,店铺名称',
        '="4100000000000000001",明细测试买家,99.00,交易成功,2024-10-04 11:42:00,小鹿天猫旗舰店',
      ],
      'taobao_orders',
    );
    await page
      .getByTestId('import-summary')
      .getByText('已关联到 1 个订单；0 个订单', { exact: false })
      .waitFor();
    // A later item file that lists other items for it changes nothing and says why, in Chinese.
    await upload(
      'ExportOrderDetailList.csv',
      [items[0]!, items[1]!.replace(',1,S1,', ',2,S1,')],
      'taobao_order_items',
    );
    await page
      .getByTestId('order-items-problem')
      .getByText('订单 4100000000000000001 的明细未关联：该订单的商品明细之前已导入，且与本文件不同', {
        exact: false,
      })
      .waitFor();
    await page.context().close();
  });

  test("rankings with their reasons; open the top super user and read a score's explanation", async () => {
    const api = await asApi<{ rows: (Ranked & { reasons: { code: string }[] })[] }>(
      '/v1/rankings?kind=super_user&limit=20',
    );
    const top = api.rows[0]!;
    expect(top.reasons.map((r) => r.code)).toContain('super_user');

    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '排行榜' }).click();
    const table = page.getByTestId('ranking');
    await table.getByTestId('ranking-customer').first().waitFor();
    expect(await table.getByTestId('ranking-customer').first().textContent()).toBe(top.display);
    expect(await table.locator('tbody tr').count()).toBe(api.rows.length);
    await table.locator('tbody tr').first().getByText('超级用户门槛').waitFor();
    await shot(page, '10-rankings');

    await page.getByRole('tab', { name: 'KOC候选' }).click();
    await page.getByText('KOC候选按 KOC 分').waitFor();
    await page.getByRole('tab', { name: '全部（按总分）' }).click();
    await page.getByText('已显示 20 位').waitFor();
    await page.getByRole('button', { name: '加载更多' }).click();
    await page.getByText('已显示 40 位').waitFor();
    const everyone = await asApi<{ rows: Ranked[] }>('/v1/rankings?kind=total&limit=40');
    expect(await page.getByTestId('ranking-total').nth(39).textContent()).toBe(one(everyone.rows[39]!.total));

    await page.getByRole('tab', { name: '超级用户' }).click();
    await page.getByTestId('ranking-customer').first().click();
    await page.getByText(`客户 ${top.customer_id}`).waitFor();
    const scores = await asApi<{
      total: number;
      rfm: { group: { names: { zh: string } } | null };
      values: Record<
        string,
        { score: number; contribution: number; parts: { input: string; value: number }[] }
      >;
    }>(`/v1/customers/${top.customer_id}/scores`);
    const section = page.getByTestId('scores');
    for (const name of ['消费价值', '互动价值', '内容价值', '社交价值']) {
      await section.getByText(name).first().waitFor();
    }
    expect(await page.getByTestId('score-total').textContent()).toContain(one(scores.total));
    await page.getByTestId('score-band').getByText('超级用户').waitFor();
    // Open the social value's explanation: its centile, contribution and inputs, as the API says.
    await section.getByRole('button', { name: /社交价值/ }).click();
    const explain = page.getByTestId('explain-social');
    await explain.getByRole('cell', { name: '分享', exact: true }).waitFor();
    await explain.getByRole('cell', { name: '邀请', exact: true }).waitFor();
    expect(await page.getByTestId('value-social-score').textContent()).toBe(
      String(scores.values.social!.score),
    );
    expect(await page.getByTestId('value-social-contribution').textContent()).toBe(
      one(scores.values.social!.contribution),
    );
    const referrals = scores.values.social!.parts.find((p) => p.input === 'referrals')!;
    await explain.getByRole('row', { name: new RegExp(`邀请 ${referrals.value}`) }).waitFor();
    if (scores.rfm.group) {
      expect(await page.getByTestId('rfm-group').textContent()).toBe(scores.rfm.group.names.zh);
    }
    await page
      .getByTestId('score-tags')
      .getByText(/极其活跃|一般活跃|偶尔活跃|沉默/)
      .first()
      .waitFor();
    await shot(page, '11-customer-360-scores', true);
    await page.context().close();
  });

  test('an admin changes a weight, sees the preview, saves, follows the rescoring and sees the ranking change', async () => {
    const before = await asApi<{ rows: Ranked[] }>('/v1/rankings?kind=total&limit=1');
    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '设置' }).click();
    await page.getByTestId('time-zone').getByText('Asia/Shanghai').waitFor();
    await page.getByTestId('preview').getByTestId('preview-total-new').first().waitFor();
    await shot(page, '12-settings');

    // 0.4 → 0.1 leaves the weights at 0.7: the console says so before the server would.
    await page.getByRole('spinbutton', { name: '消费价值' }).fill('0.1');
    await page.getByRole('spinbutton', { name: '消费价值' }).press('Tab');
    await page.getByText('权重之和必须为 1').first().waitFor();
    expect(await page.getByRole('button', { name: '保存并重新评分' }).isDisabled()).toBe(true);
    await page.getByRole('spinbutton', { name: '互动价值' }).fill('0.5');
    await page.getByRole('spinbutton', { name: '互动价值' }).press('Tab');
    await page.getByText('合计 1.00').waitFor();
    const weights = { consumption: 0.1, interaction: 0.5, content: 0.2, social: 0.2 };
    const preview = await asApiPost<{ rows: { total_new: number }[] }>('/v1/value-model/preview', {
      weights,
      limit: 10,
    });
    await page
      .getByTestId('preview')
      .getByTestId('preview-total-new')
      .first()
      .getByText(one(preview.rows[0]!.total_new), { exact: true })
      .waitFor();
    await shot(page, '12-settings-preview');

    await page.getByRole('button', { name: '保存并重新评分' }).click();
    await page.getByTestId('new-ranking').getByText('重新评分完成').waitFor({ timeout: 60_000 });
    const after = await asApi<{ rows: Ranked[] }>('/v1/rankings?kind=total&limit=1');
    const top = after.rows[0]!;
    const expected = VALUES.reduce((n, v) => n + weights[v] * top[v], 0);
    expect(top.total).toBeCloseTo(expected, 3);
    expect(top.total).not.toBe(before.rows[0]!.total);
    await page.getByTestId('new-ranking-total').first().getByText(one(top.total), { exact: true }).waitFor();
    expect(await page.getByTestId('new-ranking-customer').first().textContent()).toBe(top.display);
    await shot(page, '13-settings-rescored');
    const model = await asApi<{ version: number; config: { weights: Values } }>('/v1/value-model');
    expect(model.config.weights).toEqual(weights);
    await page.context().close();
  });

  test('an admin makes a tag rule in the filter editor, is shown bad nodes by path, then edits it', async () => {
    const filter = { field: 'stats.net_fen', op: '>=', value: 50_000 };
    const expected = await asApiPost<{ count: number }>('/v1/segments/preview', { filter });
    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '设置' }).click();
    await page.getByRole('tab', { name: '标签规则' }).click();
    await page.getByTestId('rule-new').click();
    const editor = page.getByTestId('rule-editor');
    await editor.getByLabel('标签', { exact: true }).fill('rule:big_spender');
    await editor.getByLabel('名称', { exact: true }).fill('大额客户');
    const json = editor.getByTestId('filter-json');
    // A bad operator: the live count names the node, as the server does.
    await json.fill(JSON.stringify({ all: [{ field: 'stats.net_fen', op: 'like', value: 1 }] }));
    await editor.getByTestId('filter-error-path').getByText('filter.all[0].op', { exact: true }).waitFor();
    await json.fill('{"all": [');
    await editor.getByText('JSON 格式错误').waitFor();
    // Counted fine, but a rule may not read rule tags: the save is refused at the filter.
    await json.fill(JSON.stringify({ tag: 'rule:other' }));
    await editor.getByTestId('filter-count').getByText('当前匹配 0 位客户').waitFor();
    await page.getByTestId('rule-save').click();
    await editor.getByTestId('filter-error-path').getByText('filter', { exact: true }).waitFor();
    await json.fill(JSON.stringify(filter, null, 2));
    await editor.getByTestId('filter-count').getByText(`当前匹配 ${expected.count} 位客户`).waitFor();
    await shot(page, '15-settings-tag-rule-editor');
    await page.getByTestId('rule-save').click();
    await page.getByText(`已保存：${expected.count} 位客户带有 rule:big_spender`).waitFor();
    const row = page.getByTestId('rules').locator('tr', { hasText: 'rule:big_spender' });
    await row.getByText('大额客户').waitFor();
    await row.getByTestId('rule-customers').getByText(String(expected.count), { exact: true }).waitFor();
    const tagged = await asApiPost<{ count: number }>('/v1/segments/preview', {
      filter: { tag: 'rule:big_spender' },
    });
    expect(tagged.count).toBe(expected.count);

    // Editing makes version 2 and retags at once.
    const stricter = { field: 'stats.net_fen', op: '>=', value: 100_000 };
    const fewer = await asApiPost<{ count: number }>('/v1/segments/preview', { filter: stricter });
    await row.getByRole('button', { name: '编辑' }).click();
    await page.getByTestId('filter-json').fill(JSON.stringify(stricter));
    await page.getByTestId('rule-save').click();
    await row.getByText('v2', { exact: true }).waitFor();
    await row.getByTestId('rule-customers').getByText(String(fewer.count), { exact: true }).waitFor();
    await shot(page, '16-settings-tag-rules');
    const rules = await asApi<{ rules: { tag: string; version: number; updated_by: string }[] }>(
      '/v1/tag-rules',
    );
    expect(rules.rules).toContainEqual(
      expect.objectContaining({ tag: 'rule:big_spender', version: 2, updated_by: 'operator:admin' }),
    );
    await page.context().close();
  });

  test('an admin makes an API key, sees it once, it works; revokes it and it is refused', async () => {
    const page = await logIn('admin');
    await page.goto(`${base}/settings?tab=workspace`);
    await page.getByTestId('keys').getByText('demo', { exact: true }).waitFor();
    await page.getByTestId('key-new').click();
    await page.getByTestId('key-form').getByLabel('名称', { exact: true }).fill('ERP 同步');
    await page.getByTestId('key-create').click();
    const shown = page.getByTestId('new-key').locator('code');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key).toMatch(/^hk_/);
    await page.getByText('密钥只显示这一次').waitFor();
    await shot(page, '17-settings-api-key-shown-once', true);
    const asKey = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await asKey('/v1/session')).status).toBe(200);
    await page.getByRole('button', { name: '我已保存' }).click();
    const row = page.getByTestId('keys').locator('tr', { hasText: 'ERP 同步' });
    await row.getByText('operator:admin').waitFor();
    expect(await page.content()).not.toContain(key);

    await row.getByRole('button', { name: '吊销' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await row.getByTestId('key-revoked').waitFor();
    expect((await asKey('/v1/session')).status).toBe(401);
    await shot(page, '18-settings-workspace');
    await page.context().close();
  });

  test('an admin moves the workspace to another time zone and follows the rebuild', async () => {
    const page = await logIn('admin');
    await page.goto(`${base}/settings?tab=workspace`);
    await page.getByTestId('workspace-time-zone').click();
    await page.keyboard.type('Asia/Tokyo');
    await page.keyboard.press('Enter');
    await page.getByTestId('workspace').getByRole('button', { name: '保存' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText('时区将从 Asia/Shanghai 改为 Asia/Tokyo').waitFor();
    await confirm.getByRole('button', { name: '保存' }).click();
    await page.getByText('已按新时区重建统计并重新评分').waitFor({ timeout: 60_000 });
    const ws = await asApi<{ time_zone: string }>('/v1/workspace');
    expect(ws.time_zone).toBe('Asia/Tokyo');
    // The session now carries the new zone: the value model's tab shows it.
    await page.getByRole('tab', { name: '价值模型' }).click();
    await page.getByTestId('time-zone').getByText('Asia/Tokyo').waitFor();
    await page.context().close();
    // Back to the demo's zone for the journeys after this one.
    const res = await fetch(`${base}/v1/workspace`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_zone: 'Asia/Shanghai' }),
    });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: number } };
    for (let i = 0; i < 240; i += 1) {
      const state = await asApi<{ status: string }>(`/v1/scoring-runs/${run.id}`);
      if (state.status !== 'running') {
        expect(state.status).toBe('done');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  test('a viewer sees masked phones, has no unmask, undo, tagging or upload, and the API refuses the unmask', async () => {
    const page = await logIn('viewer');
    expect(await page.getByRole('menuitem', { name: '审计日志' }).count()).toBe(0);
    await page.goto(`${base}/customers/${merged.to}`);
    await page.getByText(`客户 ${merged.to}`).waitFor();
    await page.getByText('合并记录').waitFor();
    expect(await page.getByRole('button', { name: '显示完整信息' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '撤销合并' }).count()).toBe(0);
    await page.getByTestId('score-tags').waitFor();
    expect(await page.getByTestId('add-manual-tag').count()).toBe(0);
    expect(await page.getByText(merged.phone, { exact: true }).count()).toBe(0);
    const refused = await page.evaluate(async (id) => {
      const res = await fetch(`/v1/customers/${id}?unmask=true`);
      return { status: res.status, body: await res.text() };
    }, merged.to);
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain(merged.phone);
    await shot(page, '09-customer-360-viewer');

    // Settings are read-only for a viewer, and the server refuses a change anyway.
    await page.getByRole('menuitem', { name: '设置' }).click();
    await page.getByTestId('settings-read-only').waitFor();
    expect(await page.getByRole('button', { name: '保存并重新评分' }).count()).toBe(0);
    expect(await page.getByRole('spinbutton', { name: '消费价值' }).isDisabled()).toBe(true);
    const put = await page.evaluate(async () => {
      const model = (await (await fetch('/v1/value-model')).json()) as { config: unknown };
      const res = await fetch('/v1/value-model', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-hatchery-request': '1' },
        body: JSON.stringify(model.config),
      });
      return { status: res.status, body: await res.text() };
    });
    expect(put.status).toBe(403);
    expect(put.body).toContain('forbidden');
    await shot(page, '14-settings-viewer');
    // Tag rules and the workspace: read-only too, API keys not shown at all; the server agrees.
    await page.getByRole('tab', { name: '标签规则' }).click();
    await page.getByTestId('rules-read-only').waitFor();
    expect(await page.getByTestId('rule-new').count()).toBe(0);
    expect(await page.getByRole('button', { name: '编辑' }).count()).toBe(0);
    await page.getByRole('tab', { name: '工作区与 API 密钥' }).click();
    await page.getByTestId('keys-admin-only').waitFor();
    expect(await page.getByTestId('keys').count()).toBe(0);
    expect(await page.getByTestId('workspace').getByRole('button', { name: '保存' }).count()).toBe(0);
    const refusals = await page.evaluate(async () => {
      const send = async (method: string, path: string, body?: unknown) =>
        (
          await fetch(path, {
            method,
            headers: { 'content-type': 'application/json', 'x-hatchery-request': '1' },
            body: body === undefined ? undefined : JSON.stringify(body),
          })
        ).status;
      return [
        await send('POST', '/v1/tag-rules', { tag: 'rule:x', name: 'x', filter: { all: [] } }),
        await send('GET', '/v1/api-keys'),
        await send('POST', '/v1/api-keys', { name: 'x' }),
        await send('PUT', '/v1/workspace', { time_zone: 'UTC' }),
      ];
    });
    expect(refusals).toEqual([403, 403, 403, 403]);
    await shot(page, '19-settings-workspace-viewer');
    await page.getByRole('menuitem', { name: '数据导入' }).click();
    await page.getByText('你的角色不能上传文件').waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await page.context().close();
  });
  test("customers: filter by a tag and a score range; every row carries the tag, the count is the API's", async () => {
    const { tags } = await asApi<{ tags: { tag: string; customers: number }[] }>('/v1/tags');
    const tag = tags
      .filter((c) => c.tag.startsWith('activity:'))
      .sort((a, b) => b.customers - a.customers)[0]!;
    const count = async (filter?: unknown) =>
      (
        await asApi<{ count: number }>(
          `/v1/customers/count${filter ? `?filter=${encodeURIComponent(JSON.stringify(filter))}` : ''}`,
        )
      ).count;
    const everyone = await count();
    const tagged = await count({ tag: tag.tag });
    expect(tagged).toBe(tag.customers);
    expect(tagged).toBeLessThan(everyone);
    // a total cut-off that leaves some of the tagged customers, not all
    let cutoff = 0;
    let both = 0;
    for (const candidate of [10, 20, 30, 40, 50, 60]) {
      both = await count({ all: [{ tag: tag.tag }, { field: 'scores.total', op: '>=', value: candidate }] });
      if (both > 0 && both < tagged) {
        cutoff = candidate;
        break;
      }
    }
    expect(cutoff).toBeGreaterThan(0);
    const name = ACTIVITY_NAMES[tag.tag]!;
    const shown = (n: number) => `共 ${n.toLocaleString('en-US')} 位客户`;

    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '客户' }).click();
    await page.getByTestId('customer-count').getByText(shown(everyone)).waitFor();
    const tagSelect = page.getByRole('combobox', { name: '按标签筛选' });
    await tagSelect.click();
    await tagSelect.fill(tag.tag);
    await tagSelect.press('Enter');
    await page.getByTestId('customer-count').getByText(shown(tagged)).waitFor();
    // The count and the page are separate requests: the rows may render after the count.
    await page.waitForLoadState('networkidle');
    const rows = page.getByTestId('customers').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(Math.min(20, tagged));
    for (const cell of await page.getByTestId('customer-tags').all()) {
      expect(await cell.textContent()).toContain(name);
    }

    await page.getByRole('spinbutton', { name: '总分 最低' }).fill(String(cutoff));
    await page.getByRole('spinbutton', { name: '总分 最低' }).press('Tab');
    await page.getByTestId('customer-count').getByText(shown(both)).waitFor();
    await page.waitForLoadState('networkidle');
    await expect.poll(() => rows.count()).toBe(Math.min(20, both));
    for (const cell of await page.getByTestId('customer-tags').all()) {
      expect(await cell.textContent()).toContain(name);
    }
    for (const total of await page.getByTestId('customer-total').allTextContents()) {
      expect(Number(total)).toBeGreaterThanOrEqual(cutoff - 0.05);
    }
    expect(page.url()).toContain(`total_min=${cutoff}`);
    await shot(page, '15-customers-filtered');

    // The export is the filtered list, masked, as a file.
    const href = await page.getByTestId('export-csv').getAttribute('href');
    const csv = await page.request.get(`${base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="customers-\d{8}\.csv"$/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(both + 1);
    expect(lines.slice(1).every((l) => l.includes(tag.tag))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/1[3-9]\d{9}/);
    await page.context().close();
  });

  test("segments: build one in the builder, the live count is the API's, save it and find it in the list", async () => {
    const { tags } = await asApi<{ tags: { tag: string; customers: number }[] }>('/v1/tags');
    const tag = tags
      .filter((c) => c.tag.startsWith('activity:'))
      .sort((a, b) => b.customers - a.customers)[0]!;
    const filter = { all: [{ field: 'scores.total', op: '>=', value: 20 }, { tag: tag.tag }] };
    const { count } = await asApiPost<{ count: number }>('/v1/segments/preview', { filter });
    expect(count).toBeGreaterThan(0);

    const page = await logIn('admin');
    await page.getByRole('menuitem', { name: '人群' }).click();
    await page.getByText('人群构建器').waitFor();
    await page.getByText('还没有保存的人群').waitFor();
    // the empty builder is everyone
    await page.getByTestId('live-count-value').waitFor();

    await page.getByRole('button', { name: /添加条件$/ }).click();
    const field = page.getByRole('combobox', { name: '选择字段' });
    await field.click();
    await field.fill('总分');
    await field.press('Enter');
    const op = page.getByRole('combobox', { name: '运算' });
    await op.click();
    await page.getByTitle('大于等于', { exact: true }).click();
    await page.getByRole('spinbutton', { name: '总分' }).fill('20');
    await page.getByRole('button', { name: /添加标签条件$/ }).click();
    await page.getByRole('combobox', { name: '标签' }).last().fill(tag.tag);
    // The count follows each edit after a pause; under the suite's parallel load it can take a while.
    await page
      .getByTestId('live-count-value')
      .getByText(count.toLocaleString('en-US'), { exact: true })
      .waitFor({ timeout: 30_000 });
    const sample = page.getByTestId('segment-sample').locator('tbody tr');
    await page.waitForLoadState('networkidle');
    expect(await sample.count()).toBe(Math.min(10, count));
    for (const row of await sample.all()) {
      expect(await row.textContent()).toContain(ACTIVITY_NAMES[tag.tag]!);
    }
    await page.keyboard.press('Escape');
    await shot(page, '16-segments-builder');

    await page.getByRole('button', { name: '保存为新人群' }).click();
    await page.getByTestId('segment-name-input').fill('E2E 高分活跃');
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('人群「E2E 高分活跃」已保存').waitFor();
    const row = page.getByTestId('segments').locator('tr', { hasText: 'E2E 高分活跃' });
    await row
      .getByTestId('segment-count')
      .getByText(count.toLocaleString('en-US'), { exact: true })
      .waitFor();
    const saved = await asApi<{
      segments: { id: number; name: string; filter: unknown; created_by: string }[];
    }>('/v1/segments');
    const segment = saved.segments.find((s) => s.name === 'E2E 高分活跃')!;
    expect(segment).toMatchObject({ filter, created_by: 'operator:admin' });
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, '17-segments');

    // Its customers in the Customers page, counted alike.
    await row.getByRole('link', { name: '查看客户' }).click();
    await page
      .getByTestId('customer-count')
      .getByText(`共 ${count.toLocaleString('en-US')} 位客户`)
      .waitFor();
    expect(page.url()).toContain(`segment=${segment.id}`);
    await page.context().close();

    // A viewer counts and reads segments but may not save, rename or delete them.
    const viewer = await logIn('viewer');
    await viewer.goto(`${base}/segments`);
    await viewer.getByTestId('segments-read-only').waitFor();
    await viewer.getByTestId('segments').getByText('E2E 高分活跃').waitFor();
    expect(await viewer.getByRole('button', { name: '保存为新人群' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: '删除' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: '重命名' }).count()).toBe(0);
    await viewer.context().close();
  });
});
