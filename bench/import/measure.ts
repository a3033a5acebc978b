import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DbHandle, ImportResult } from '@hatchery/core';
// The readers alone, without the rest of core (and its database drivers) in memory.
import { decodeText, openCsv } from '@hatchery/core/imports';
import { HEADER } from './generate.ts';

/**
 * One measurement of bench/import, in a process of its own so that its peak RSS is its own.
 * Usage: measure.ts <decode|read|dry|dry-pg|full> <file> [postgres url]. Progress goes to stderr; the
 * result is the last line on stdout, as JSON (`Measured`).
 *
 *   decode  bytes → text only (the reader's first stage, GB18030 decoding), the floor of everything
 *   read    the CSV reader (openCsv): decode, tokenise, find the header, clean every cell; no mapping
 *   dry     importFile with dryRun on embedded PGlite (a temporary data folder, as HATCHERY_DATA_DIR
 *           would be): read, map to events, validate (prepareEvent); only the report is stored
 *   dry-pg  the same on PostgreSQL, to tell the importer's memory from PGlite's
 *   full    importFile into PostgreSQL: everything, events stored
 */

export type Measured = {
  mode: string;
  seconds: number;
  rows: number;
  /** Summary of an import (dry, full). */
  summary?: ImportResult['summary'];
  status?: string;
  failure?: string | null;
  /** Peak resident set size of this process, MiB. */
  peakRssMb: number;
  /** RSS just before the measured part started (runtime, database, schema), MiB. */
  startRssMb: number;
  /**
   * Highest RSS sampled during the measured part (every 1,000 rows, and at the end), MiB. Unlike
   * the peak, it leaves out what PGlite takes while it starts.
   */
  runRssMb: number;
};

const MODES = ['decode', 'read', 'dry', 'dry-pg', 'full'] as const;
const [modeArg, fileArg, url] = process.argv.slice(2);
const mode = MODES.find((m) => m === modeArg);
if (fileArg === undefined || mode === undefined) {
  throw new Error(`usage: measure.ts <${MODES.join('|')}> <file> [postgres url]`);
}
const file: string = fileArg;
const fileBytes = statSync(file).size;
const SECRET = Buffer.from('ab'.repeat(32), 'hex');

let runRss = 0;
const progress = (() => {
  let last = performance.now();
  let started = last;
  return {
    start: () => {
      started = performance.now();
      last = started;
    },
    tick: (rows: number, bytes: number | null) => {
      runRss = Math.max(runRss, process.memoryUsage.rss());
      const now = performance.now();
      if (now - last < 10_000) {
        return;
      }
      last = now;
      const s = (now - started) / 1000;
      const share = bytes === null ? '' : ` (${Math.round((100 * bytes) / fileBytes)} % of the file)`;
      process.stderr.write(
        `  [${mode}] ${rows.toLocaleString('en')} rows${share}, ${s.toFixed(0)} s, ${Math.round(rows / s).toLocaleString('en')} rows/s, RSS ${mib(process.memoryUsage.rss())} MiB\n`,
      );
    },
  };
})();

let result: Omit<Measured, 'peakRssMb' | 'startRssMb' | 'runRssMb'>;
let startRssMb = 0;
if (mode === 'decode' || mode === 'read') {
  startRssMb = mib(process.memoryUsage.rss());
  progress.start();
  const started = performance.now();
  let rows = 0;
  if (mode === 'decode') {
    const decoded = await decodeText(createReadStream(file));
    if (decoded.encoding !== 'gb18030') {
      throw new Error(`decoded as ${decoded.encoding}, not GB18030`);
    }
    for await (const text of decoded.text) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        rows += 1;
      }
      progress.tick(rows, null);
    }
    rows -= 1; // the header
  } else {
    const opened = await openCsv(createReadStream(file), { expectedHeaders: HEADER.split(',') });
    if (!opened.ok || opened.encoding !== 'gb18030') {
      throw new Error(`openCsv: ${opened.ok ? opened.encoding : opened.reason.en}`);
    }
    for await (const item of opened.rows) {
      if (item.kind !== 'row') {
        throw new Error(`line ${item.line}: ${item.reason.en}`);
      }
      rows += 1;
      if (rows % 1000 === 0) {
        progress.tick(rows, null);
      }
    }
  }
  progress.tick(rows, null);
  result = { mode, seconds: (performance.now() - started) / 1000, rows };
} else {
  // Loaded here, so that the reader's measurements do not carry the database drivers' memory.
  const { createDb, createWorkspace, importFile, migrateToLatest } = await import('@hatchery/core');
  const dataDir = mode === 'dry' ? mkdtempSync(join(tmpdir(), 'hatchery-bench-')) : '';
  let handle: DbHandle | undefined;
  try {
    if (mode === 'dry') {
      handle = await createDb({ dataDir: join(dataDir, 'pgdata') });
    } else if (url !== undefined) {
      handle = await createDb({ databaseUrl: url, dataDir: '' });
    } else {
      throw new Error(`${mode} needs a PostgreSQL URL`);
    }
    await migrateToLatest(handle.db as never);
    const workspace = await createWorkspace(handle.db, SECRET, { slug: 'bench' });
    startRssMb = mib(process.memoryUsage.rss());
    progress.start();
    const started = performance.now();
    const imported = await importFile(
      handle.db,
      workspace,
      {
        fileName: basename(file),
        fileBytes,
        source: createReadStream(file),
        dryRun: mode !== 'full',
        actor: 'bench',
      },
      ({ rowsRead, bytesRead }) => progress.tick(rowsRead, bytesRead),
    );
    progress.tick(imported.summary.rows_read ?? 0, fileBytes);
    result = {
      mode,
      seconds: (performance.now() - started) / 1000,
      rows: imported.summary.rows_read ?? 0,
      summary: imported.summary,
      status: imported.status,
      failure: imported.failure?.en ?? null,
    };
  } finally {
    await handle?.close();
    if (dataDir !== '') {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

const measured: Measured = {
  ...result,
  // maxRSS is in KiB (getrusage).
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  startRssMb,
  runRssMb: mib(runRss),
};
process.stdout.write(`${JSON.stringify(measured)}\n`);

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
