import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildConsole } from './build-console.ts';

/**
 * The README's quick start, end to end on a fresh data folder: the first start loads the demo
 * brand, the API answers, the CLI refuses while the server owns the folder and works after,
 * and a second start reuses the data. Prints how long each start took.
 */
const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'hatchery-smoke-'));
// The quick start is about the embedded database, whatever the caller's environment says.
const { DATABASE_URL: _ignored, ...inherited } = process.env;
const env = { ...inherited, HATCHERY_DATA_DIR: dataDir, PORT: '0' };

function fail(message: string): never {
  console.error(`smoke: FAILED — ${message}`);
  process.exit(1);
}

async function start(): Promise<{
  child: ChildProcess;
  url: string;
  key: string;
  admin: string;
  seconds: number;
}> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'packages/server/src/main.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url = '';
  let admin = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    url ||= /listening on (\S+)/.exec(line)?.[1] ?? '';
    admin ||= /logins .*: admin \/ (\S+) \(admin\)/.exec(line)?.[1] ?? '';
    const key = /API key: (\S+)/.exec(line)?.[1];
    if (key) {
      return { child, url, key, admin, seconds: (performance.now() - started) / 1000 };
    }
  }
  return fail('the server exited before it was ready');
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function api<T>(url: string, key: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) {
    fail(`GET ${path} answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as T;
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'packages/cli/src/main.ts'), ...args], {
    env,
    encoding: 'utf8',
  });
}

try {
  // What `npm start`'s prestart does; the smoke runs the server file directly.
  await buildConsole({ quiet: true });
  const first = await start();
  const page = await fetch(`${first.url}/customers/1`);
  if (!page.ok || !(await page.text()).includes('<div id="root">')) {
    fail(`the console is not served at ${first.url}/`);
  }
  const login = await fetch(`${first.url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspace: 'demo', login: 'admin', password: first.admin }),
  });
  if (login.status !== 200 || !(login.headers.get('set-cookie') ?? '').includes('HttpOnly')) {
    fail(`the printed demo admin login did not log in: ${login.status}`);
  }
  type Profile = { id: number; identities: { kind: string; value: string }[]; totals: { orders: number } };
  // The demo key may unmask: find a buyer's phone, then search for it the way an operator would type it.
  let phone = '';
  for (let id = 1; id < 50 && phone === ''; id += 1) {
    const p = await api<Profile>(first.url, first.key, `/v1/customers/${id}?unmask=true`);
    phone = p.totals.orders > 0 ? (p.identities.find((i) => i.kind === 'phone')?.value ?? '') : '';
  }
  if (!/^1\d{10}$/.test(phone)) {
    fail('no demo buyer with a phone among the first customers');
  }
  const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
  const found = await api<{ customer_ids: number[] }>(
    first.url,
    first.key,
    `/v1/customers?q=${encodeURIComponent(spaced)}`,
  );
  const masked = await api<Profile>(first.url, first.key, `/v1/customers/${found.customer_ids[0]}`);
  if (!masked.identities.some((i) => i.value === `${phone.slice(0, 3)}****${phone.slice(7)}`)) {
    fail('search by phone did not lead to the masked profile');
  }
  const busy = cli('customer', phone);
  if (busy.status === 0 || !busy.stderr.includes('data_dir_in_use')) {
    fail(`the CLI should refuse while the server owns the data folder: ${busy.stderr}`);
  }
  await stop(first.child);

  const offline = cli('customer', phone);
  if (offline.status !== 0 || !offline.stdout.includes('orders:')) {
    fail(`hatchery customer failed: ${offline.stderr}${offline.stdout}`);
  }

  const second = await start();
  await stop(second.child);
  if (second.key !== first.key) {
    fail('the second start did not reuse the demo brand');
  }
  console.log(
    `smoke: ok — first start with the demo brand ${first.seconds.toFixed(1)} s, second start ${second.seconds.toFixed(1)} s`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
