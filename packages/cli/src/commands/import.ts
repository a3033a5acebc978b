import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AppError,
  getImportProblems,
  getWorkspace,
  type ImportResult,
  importFile,
  progressBar,
} from '@hatchery/core';
import { withDb } from '../with-db.ts';

const SHOWN_PROBLEMS = 20;

/** `hatchery import <file>`: import a shop export with a progress bar and a summary. */
export async function runImport(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', default: 'demo' },
      format: { type: 'string' },
      mapping: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [file] = positionals;
  if (!file) {
    throw new AppError(
      'invalid_request',
      'usage: hatchery import <file> [--workspace <slug>] [--format <id> | --mapping <mapping.json>] [--dry-run]',
    );
  }
  const mapping = values.mapping === undefined ? undefined : readMapping(values.mapping);
  let fileBytes: number;
  try {
    fileBytes = statSync(file).size;
  } catch {
    throw new AppError('invalid_request', `cannot read ${file}`);
  }
  await withDb(async (db, config) => {
    const workspace = await getWorkspace(db, config.masterSecret, values.workspace);
    const bar = progressBar(`importing ${basename(file)} (bytes)`);
    const result = await importFile(
      db,
      workspace,
      {
        fileName: basename(file),
        fileBytes,
        source: createReadStream(file),
        format: values.format,
        mapping,
        dryRun: values['dry-run'],
        actor: 'cli',
      },
      ({ bytesRead }) => bar(bytesRead, fileBytes),
    );
    console.log(formatImport(result, values['dry-run']));
    const { problems } = await getImportProblems(db, workspace, result.id, { limit: SHOWN_PROBLEMS });
    for (const p of problems) {
      console.log(`  line ${p.line} ${p.kind}${p.column ? ` [${p.column}]` : ''}: ${p.reason}`);
    }
    const total = (result.summary.rows_rejected ?? 0) + (result.summary.rows_skipped ?? 0);
    if (total > problems.length) {
      console.log(`  … ${total - problems.length} more: GET /v1/imports/${result.id}/problems`);
    }
    if (result.status === 'failed') {
      process.exitCode = 1;
    }
  });
}

function readMapping(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError(
      'invalid_request',
      `cannot read the mapping ${path}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

export function formatImport(result: ImportResult, dryRun: boolean): string {
  const s = result.summary;
  const lines = [
    `import ${result.id}${dryRun ? ' (dry run: nothing stored)' : ''}: ${result.status}${result.format ? `, format ${result.format}` : ''}`,
  ];
  if (result.failure) {
    lines.push(`  ${result.failure.en}`);
  }
  lines.push(
    `  rows read ${s.rows_read ?? 0}, imported ${s.rows_imported ?? 0}, rejected ${s.rows_rejected ?? 0}, skipped ${s.rows_skipped ?? 0}`,
    `  orders ${s.orders ?? 0}; events ${Object.entries(s.events ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  if (s.order_items_attached !== undefined || s.order_items_waiting !== undefined) {
    // An item file's items land only once their order is imported: say how many still wait.
    lines.push(
      `  order items attached to ${s.order_items_attached ?? 0} orders, ${s.order_items_waiting ?? 0} orders still to import`,
    );
  }
  for (const problem of s.order_items_problems ?? []) {
    lines.push(`  items of order ${problem.order_id} not attached: ${problem.reason}`);
  }
  if (s.customers_before !== undefined && s.customers_after !== undefined) {
    lines.push(`  customers ${s.customers_before} → ${s.customers_after}, merges ${s.merges ?? 0}`);
  }
  for (const r of s.reasons ?? []) {
    lines.push(
      `  ${r.kind} ${r.count}× ${r.code}${r.column === null ? '' : ` [${r.column}]`}, e.g. ${r.example.en}`,
    );
  }
  return lines.join('\n');
}
