import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO, type EventInput, generateDemoEvents } from '@hatchery/core';
import pg from 'pg';

/**
 * bench/ingest: events/s through POST /v1/events (durable commit, a server in its own process)
 * against a raw multi-row INSERT (1,000 rows a statement, one commit each) of the same events into
 * the same PostgreSQL, measured in one run. Also the latency of a 1,000-event batch, and a resend
 * of everything (which must store nothing).
 */
const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '2' },
    url: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const concurrency = Number(values.concurrency);
const options = values.smoke ? { ...DEFAULT_DEMO, customers: 1500, days: 60 } : DEFAULT_DEMO;

const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
const dbName = `hatchery_bench_${randomBytes(4).toString('hex')}`;
await admin.query(`create database ${dbName}`);
const url = new URL(values.url);
url.pathname = `/${dbName}`;

try {
  const events = generateDemoEvents(options);
  const batches: EventInput[][] = [];
  for (let i = 0; i < events.length; i += 1000) {
    batches.push(events.slice(i, i + 1000));
  }
  console.log(
    `${events.length} events in ${batches.length} batches; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  );

  const raw1 = await rawInsert(url.toString(), batches, 'raw_a');
  const server = await startServer(url.toString());
  const first = await post(server, batches);
  const resend = await post(server, batches);
  server.stop();
  const raw2 = await rawInsert(url.toString(), batches, 'raw_b');

  const stored = first.statuses.stored ?? 0;
  if (stored + (first.statuses.duplicate ?? 0) !== events.length || (resend.statuses.stored ?? 0) !== 0) {
    throw new Error(
      `unexpected outcomes: first ${JSON.stringify(first.statuses)}, resend ${JSON.stringify(resend.statuses)}`,
    );
  }
  const rawRate = (raw1 + raw2) / 2;
  const rows = [
    ['raw multi-row INSERT (1,000 rows, mean of before/after)', rawRate, 1],
    ['Hatchery POST /v1/events (first send)', first.rate, first.rate / rawRate],
    ['Hatchery POST /v1/events (resend: all duplicates)', resend.rate, resend.rate / rawRate],
  ] as const;
  console.log('\n| path | events/s | × raw |\n|---|---|---|');
  for (const [name, rate, ratio] of rows) {
    console.log(`| ${name} | ${Math.round(rate).toLocaleString('en')} | ${ratio.toFixed(2)} |`);
  }
  console.log(`\nraw runs: ${Math.round(raw1)} and ${Math.round(raw2)} events/s`);
  console.log(
    `1,000-event batch latency (first send, concurrency ${concurrency}): p50 ${first.p50.toFixed(0)} ms, p99 ${first.p99.toFixed(0)} ms`,
  );
  console.log(`outcomes: first ${JSON.stringify(first.statuses)}, resend ${JSON.stringify(resend.statuses)}`);
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}

async function rawInsert(connectionString: string, batches: EventInput[][], table: string): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`create table ${table} (
    workspace_id bigint not null, source text not null, event_id text not null, kind text not null,
    occurred_at timestamptz not null, identities jsonb not null, properties jsonb not null,
    primary key (workspace_id, source, event_id))`);
  const started = performance.now();
  for (const batch of batches) {
    const params: unknown[] = [];
    const tuples = batch.map((e, i) => {
      params.push(
        e.source ?? 'api',
        e.id,
        e.kind,
        e.occurred_at,
        JSON.stringify(e.identities),
        JSON.stringify(e.properties ?? {}),
      );
      const b = i * 6;
      return `(1, $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    await client.query(`insert into ${table} values ${tuples.join(',')}`, params);
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return batches.reduce((n, b) => n + b.length, 0) / seconds;
}

type Server = { port: number; key: string; stop: () => void };

async function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, [new URL('./serve.ts', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const { port, key } = JSON.parse(line) as { port: number; key: string };
  return { port, key, stop: () => child.kill('SIGTERM') };
}

async function post(server: Server, batches: EventInput[][]) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
      const body = (await res.json()) as { results?: { status: string }[] };
      latencies.push(performance.now() - t);
      if (!res.ok || !body.results) {
        throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      }
      for (const r of body.results) {
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rate: batches.reduce((n, b) => n + b.length, 0) / seconds, p50: q(0.5), p99: q(0.99), statuses };
}
