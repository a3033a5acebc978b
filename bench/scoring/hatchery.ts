import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDb,
  createWorkspace,
  type Db,
  findLifetimeFactors,
  getWorkspace,
  ingestEvents,
  listRankings,
  migrateToLatest,
  prepareIdentity,
  rescoreWorkspace,
  scoringClock,
  type Workspace,
} from '@hatchery/core';
import { sql } from 'kysely';
import pg from 'pg';
import { AS_OF_EPOCH, OUT, referenceFile } from './data.ts';
import { type LoadTimings, loadRawEvents } from './load.ts';
import { median, mib, quantile, type Timed, timed } from './timing.ts';

/**
 * Hatchery's side of bench/scoring on one engine, in a process of its own (its peak RSS is its own).
 * Usage: hatchery.ts <options JSON> (`HatcheryOptions`). Loads the data set into a fresh database
 * (or reuses one left by --keep), then N times Hatchery's full rescoring and top 1,000, N times the
 * reference SQL over the raw events in the same database, the incremental path and a segment
 * count. Writes every customer's scores to `scoresCsv`; the result is the last line on stdout.
 */
export type HatcheryOptions = {
  engine: 'postgres' | 'pglite';
  name: string;
  csv: string;
  events: number;
  runs: number;
  scoresCsv: string;
  /** PostgreSQL server (its maintenance database); the benchmark makes a database of its own there. */
  url: string;
  /** Keep the PostgreSQL database for the next run (and reuse a kept one). */
  keep: boolean;
  /** Single events timed on the incremental path (0: skip it). */
  incremental: number;
};

export type HatcheryResult = {
  engine: string;
  reused: boolean;
  /** Events an earlier run's incremental path left in a kept database: its scores then differ from the raw file's. */
  earlierIncremental: number;
  load: LoadTimings;
  rescore: Timed;
  steps: Record<string, number>;
  customers: number;
  topIdSum: number;
  reference: Timed;
  referenceChecks: Record<string, number>;
  incremental: { events: number; hatchery: Percentiles; insert: Percentiles } | null;
  segment: Timed & { count: number };
  peakRssMb: number;
  databaseMb: number;
};

type Percentiles = { p50: number; p99: number; mean: number };

/** Whether a kept database was loaded to the end (the last step of a load makes the table). */
const LOADED = `select to_regclass('bench_loaded') is not null as loaded`;
const SECRET = Buffer.from('cd'.repeat(32), 'hex');
const AS_OF = new Date(AS_OF_EPOCH * 1000);
const options = JSON.parse(process.argv[2] ?? '') as HatcheryOptions;
const log = (line: string) => process.stderr.write(`  [${options.engine}] ${line}\n`);

const opened = options.engine === 'postgres' ? await openPostgres() : await openPglite();
const { db } = opened;
try {
  let reused = true;
  let load: LoadTimings = {};
  let workspace: Workspace;
  if (opened.fresh) {
    reused = false;
    await migrateToLatest(db as never);
    workspace = await createWorkspace(db, SECRET, { slug: 'bench', timeZone: 'UTC' });
    await createWorkspace(db, SECRET, { slug: 'raw-insert', timeZone: 'UTC' });
    await sql`create schema ref`.execute(db);
    await sql`create table ref.events (n bigint generated always as identity, customer_id int not null,
      ts int not null, kind smallint not null, amount int not null)`.execute(db);
    const [, copySeconds] = await timed(() => opened.copyRaw());
    log(`raw events copied in ${copySeconds.toFixed(1)} s`);
    load = { 'raw COPY': copySeconds, ...(await loadRawEvents(db, workspace, options.events)) };
    await sql`create table bench_loaded (at timestamptz default now())`.execute(db);
  } else {
    workspace = await getWorkspace(db, SECRET, 'bench');
    log('reusing the loaded database');
  }
  const { rows: earlier } = await sql<{ n: number }>`
    select count(*)::int as n from events where workspace_id = ${workspace.id} and event_id like 'inc-%'`.execute(
    db,
  );
  const earlierIncremental = earlier[0]?.n ?? 0;

  const rescores: number[] = [];
  const stepRuns: Record<string, number[]> = {};
  const record = (step: string, seconds: number) => {
    stepRuns[step] = [...(stepRuns[step] ?? []), seconds];
  };
  let customers = 0;
  let topIdSum = 0;
  for (let i = 0; i < options.runs; i++) {
    let last = performance.now();
    let lastStep = 'start';
    const started = last;
    const result = await rescoreWorkspace(db, workspace, {
      actor: 'bench',
      now: AS_OF,
      onProgress: (_done, step) => {
        const now = performance.now();
        record(lastStep, (now - last) / 1000);
        last = now;
        lastStep = step;
      },
    });
    const top = await listRankings(db, workspace, { kind: 'total', limit: 1000 });
    const seconds = (performance.now() - started) / 1000;
    record('top 1,000', (performance.now() - last) / 1000);
    rescores.push(seconds);
    customers = result.customers;
    topIdSum = top.rows.reduce((n, r) => n + Number(r.customer_id), 0);
    log(`rescore ${i + 1}: ${seconds.toFixed(2)} s (${customers} customers)`);
  }
  delete stepRuns.start;
  const steps = Object.fromEntries(Object.entries(stepRuns).map(([k, v]) => [k, median(v)]));

  await exportScores(db, workspace.id, options.scoresCsv);
  await exportLifetime(db, workspace, `${options.scoresCsv}.lifetime.json`);

  const referenceSql = readFileSync(referenceFile('score_threshold.sql'), 'utf8')
    .replace(/FROM events/g, 'FROM ref.events')
    .replace('CREATE TABLE scores AS', 'CREATE TABLE ref.scores AS');
  const reference: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await sql`drop table if exists ref.scores`.execute(db);
    const [, seconds] = await timed(async () => {
      await sql.raw(referenceSql).execute(db);
      await sql`select customer_id from ref.scores order by koc desc, customer_id limit 1000`.execute(db);
    });
    reference.push(seconds);
    log(`reference SQL ${i + 1}: ${seconds.toFixed(2)} s`);
  }
  const { rows: checkRows } = await sql<Record<string, number>>`
    select count(*)::bigint as customers, sum(r)::bigint as r, sum(f)::bigint as f, sum(m)::bigint as m,
      sum(tag)::bigint as tag, round(sum(total))::bigint as total,
      (select sum(customer_id)::bigint from (select customer_id from ref.scores order by koc desc, customer_id
       limit 1000) t) as top
    from ref.scores`.execute(db);
  await sql`drop table if exists ref.scores`.execute(db);

  const segment = await segmentCount(db, workspace.id);
  const incremental = options.incremental > 0 ? await incrementalPath(db, workspace) : null;
  const { rows: size } = await sql<{
    bytes: number;
  }>`select pg_database_size(current_database()) as bytes`.execute(db);
  const result: HatcheryResult = {
    engine: options.engine,
    reused,
    earlierIncremental,
    load,
    rescore: { runs: rescores, median: median(rescores) },
    steps,
    customers,
    topIdSum,
    reference: { runs: reference, median: median(reference) },
    referenceChecks: Object.fromEntries(Object.entries(checkRows[0] ?? {}).map(([k, v]) => [k, Number(v)])),
    incremental,
    segment,
    peakRssMb: mib(process.resourceUsage().maxRSS * 1024),
    databaseMb: mib(Number(size[0]?.bytes ?? 0)),
  };
  console.log(JSON.stringify(result));
} finally {
  await opened.close();
}

/** A database of the benchmark's own on the server: fresh, or the one a --keep run left loaded. */
async function openPostgres() {
  const dbName = `hatchery_bench_scoring_${options.name.replace(/[^a-z0-9]/g, '_')}`;
  const admin = new pg.Client({ connectionString: options.url });
  await admin.connect();
  const { rows } = await admin.query('select 1 from pg_database where datname = $1', [dbName]);
  let fresh = rows.length === 0;
  const url = new URL(options.url);
  url.pathname = `/${dbName}`;
  if (!fresh) {
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    const loaded = await probe.query(LOADED);
    await probe.end();
    if (!options.keep || !loaded.rows[0]?.loaded) {
      await admin.query(`drop database ${dbName} with (force)`);
      fresh = true;
    }
  }
  if (fresh) {
    await admin.query(`create database ${dbName}`);
  }
  const handle = await createDb({ databaseUrl: url.toString(), dataDir: '' });
  return {
    db: handle.db,
    fresh,
    // The server reads the file itself (it runs on this machine): the fastest way in.
    copyRaw: () =>
      sql`copy ref.events (customer_id, ts, kind, amount) from ${sql.lit(options.csv)} with (format csv, header true)`.execute(
        handle.db,
      ),
    close: async () => {
      await handle.close();
      if (!options.keep) {
        await admin.query(`drop database if exists ${dbName} with (force)`);
      }
      await admin.end();
    },
  };
}

/**
 * Embedded PGlite in a data folder, opened as HATCHERY_DATA_DIR would be: a temporary one, or with
 * --keep one in out/ that a later --keep run reuses once loaded.
 */
async function openPglite() {
  const dataDir = options.keep
    ? join(OUT, `pglite-${options.name}`)
    : mkdtempSync(join(tmpdir(), 'hatchery-bench-scoring-'));
  let handle = await createDb({ dataDir });
  const fresh = !(await sql.raw<{ loaded: boolean }>(LOADED).execute(handle.db)).rows[0]?.loaded;
  if (fresh && options.keep) {
    // A kept folder whose load did not finish: start again.
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
    handle = await createDb({ dataDir });
  }
  const { db, pglite } = handle;
  return {
    db,
    fresh,
    // The bulk copy reads the file through the PGlite instance itself (/dev/blob).
    copyRaw: () =>
      pglite!.query(
        `copy ref.events (customer_id, ts, kind, amount) from '/dev/blob' with (format csv, header true)`,
        [],
        { blob: new Blob([readFileSync(options.csv)]) },
      ),
    close: async () => {
      await handle.close();
      if (!options.keep) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Every customer's scores and activity tag, in the columns and order duck.ts writes. */
async function exportScores(db: Db, workspaceId: number, file: string) {
  const { rows } = await sql<Record<string, string | number | boolean>>`
    select s.customer_id, r, f, m, consumption, interaction, content, social, total, koc, band, koc_candidate,
      t.tag as activity
    from customer_scores s
    left join customer_tags t on t.workspace_id = s.workspace_id and t.customer_id = s.customer_id
      and t.source = 'activity'
    where s.workspace_id = ${workspaceId} order by s.customer_id`.execute(db);
  const columns = Object.keys(rows[0] ?? {});
  const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => String(r[c])).join(','))];
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * The lifetime models the last run fitted and the factors it valued customers with, for duck.ts to
 * compute the same lifetime values (it fits no models of its own; null when the run had none).
 */
async function exportLifetime(db: Db, workspace: Workspace, file: string) {
  const { rows } = await sql<{ lifetime: Parameters<typeof findLifetimeFactors>[3] }>`
    select cutoffs -> 'lifetime' as lifetime from scoring_runs
    where workspace_id = ${workspace.id} and status = 'done' order by id desc limit 1`.execute(db);
  const clock = scoringClock(workspace.timeZone, AS_OF);
  const factors = await findLifetimeFactors(db, workspace.id, clock, rows[0]?.lifetime, null);
  writeFileSync(file, JSON.stringify(factors));
}

/** A representative segment: customers with a total of at least 60 who are silent (median of 5). */
async function segmentCount(db: Db, workspaceId: number) {
  const runs: number[] = [];
  let count = 0;
  for (let i = 0; i < 5; i++) {
    const [rows, seconds] = await timed(
      async () =>
        (
          await sql<{ n: number }>`
        select count(*)::int as n from customer_scores s
        join customer_tags t on t.workspace_id = s.workspace_id and t.customer_id = s.customer_id
          and t.tag = 'activity:silent'
        where s.workspace_id = ${workspaceId} and s.total >= 60`.execute(db)
        ).rows,
    );
    runs.push(seconds);
    count = rows[0]?.n ?? 0;
  }
  log(`segment count: ${count} customers, median ${median(runs).toFixed(3)} s`);
  return { runs, median: median(runs), count };
}

/**
 * One event at a time through ingestEvents (its own durable transaction: customer matched, event
 * stored, order folded, aggregates, tags and scores of the customer updated), alternating with a
 * bare single-row INSERT of the same event into the same events table (another workspace), so
 * both see the same noise. The events belong to existing, scored customers drawn at random; their
 * phone identities are given real keyed hashes first so that the events match them.
 */
async function incrementalPath(db: Db, workspace: Workspace) {
  const ws = workspace.id;
  const { rows: picked } = await sql<{ id: number }>`
    select id from customers where workspace_id = ${ws} order by md5(id::text) limit 200`.execute(db);
  const phones = new Map<number, string>();
  for (const { id } of picked) {
    const phone = `139${String(id).padStart(8, '0')}`;
    const prepared = prepareIdentity({ kind: 'phone', value: phone }, workspace.keys.hmacKey);
    if (prepared === null || typeof prepared === 'string') {
      throw new Error(`phone ${phone}: ${prepared}`);
    }
    await sql`update identities set value_hash = decode(${prepared.key}, 'hex') where workspace_id = ${ws} and id = ${id}`.execute(
      db,
    );
    phones.set(id, phone);
  }
  const { rows: rawWs } = await sql<{
    id: number;
  }>`select id from workspaces where slug = 'raw-insert'`.execute(db);
  const rawId = rawWs[0]?.id ?? 0;
  const kinds = ['message.sent', 'checkin', 'share', 'order.paid'] as const;
  const customerIds = [...phones.keys()];
  const hatchery: number[] = [];
  const insert: number[] = [];
  const total = options.incremental;
  const tag = Date.now().toString(36);
  for (let i = 0; i < total + 20; i++) {
    const customerId = customerIds[i % customerIds.length]!;
    const kind = kinds[i % kinds.length]!;
    const id = `inc-${tag}-${i}`;
    const occurredAt = new Date(AS_OF.getTime() - 3_600_000 + i * 1000).toISOString();
    const properties =
      kind === 'order.paid'
        ? { shop: 'tmall', order_id: id, amount_fen: 12_900 }
        : kind === 'message.sent'
          ? { community_id: 'c1' }
          : {};
    const event = {
      id,
      kind,
      source: 'bench',
      occurred_at: occurredAt,
      identities: [{ kind: 'phone', value: phones.get(customerId) }],
      properties,
    };
    const [outcomes, seconds] = await timed(() => ingestEvents(db, workspace, [event], { now: AS_OF }));
    if (outcomes[0]?.status !== 'stored') {
      throw new Error(`incremental event not stored: ${JSON.stringify(outcomes[0])}`);
    }
    const [, insertSeconds] = await timed(() =>
      sql`insert into events (workspace_id, source, event_id, kind, occurred_at, customer_id, anchor_identity_id,
                              identity_ids, body_hash, properties)
          values (${rawId}, 'bench', ${id}, ${kind}, ${occurredAt}::timestamptz, ${customerId}, ${customerId},
                  ${[customerId]}::bigint[], ${Buffer.from(id)}, ${JSON.stringify(properties)}::jsonb)`.execute(
        db,
      ),
    );
    // The first events warm the caches and the statement plans up: not counted.
    if (i >= 20) {
      hatchery.push(seconds * 1000);
      insert.push(insertSeconds * 1000);
    }
  }
  const summary = (xs: number[]): Percentiles => ({
    p50: quantile(xs, 0.5),
    p99: quantile(xs, 0.99),
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  });
  const result = { events: total, hatchery: summary(hatchery), insert: summary(insert) };
  log(
    `incremental: ingestEvents p50 ${result.hatchery.p50.toFixed(2)} ms, p99 ${result.hatchery.p99.toFixed(2)} ms; ` +
      `INSERT p50 ${result.insert.p50.toFixed(2)} ms, p99 ${result.insert.p99.toFixed(2)} ms`,
  );
  return result;
}
