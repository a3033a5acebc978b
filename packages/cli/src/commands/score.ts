import { parseArgs } from 'node:util';
import {
  AppError,
  getWorkspace,
  listRankings,
  listTagCounts,
  progressBar,
  rescoreWorkspace,
} from '@hatchery/core';
import { withDb } from '../with-db.ts';

/** `hatchery score`: rescores a workspace with a progress bar, then shows its top customers and tags. */
export async function runScore(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { workspace: { type: 'string', default: 'demo' }, top: { type: 'string', default: '10' } },
  });
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0 || top > 500) {
    throw new AppError('invalid_request', '--top must be a whole number from 0 to 500');
  }
  await withDb(async (db, config) => {
    const workspace = await getWorkspace(db, config.masterSecret, values.workspace);
    const bar = progressBar(`scoring ${workspace.slug} (steps in ‰)`);
    const started = performance.now();
    const result = await rescoreWorkspace(db, workspace, {
      actor: 'cli',
      onProgress: (done) => bar(Math.round(done * 1000), 1000),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `scored ${result.customers} customers in ${seconds} s, ${result.changed} changed (run ${result.run_id}, model v${result.model_version})`,
    );
    const ranking = await listRankings(db, workspace, { kind: 'total', limit: top });
    for (const [n, row] of ranking.rows.entries()) {
      const band = row.band === 'other' ? '' : ` ${row.band}`;
      const koc = row.koc_candidate ? ' koc_candidate' : '';
      console.log(
        `${String(n + 1).padStart(3)}. #${row.customer_id} ${row.display ?? ''}  total ${row.total.toFixed(1)}` +
          `  (consumption ${row.consumption}, interaction ${row.interaction}, content ${row.content}, social ${row.social})${band}${koc}`,
      );
    }
    for (const { tag, customers } of await listTagCounts(db, workspace)) {
      console.log(`  ${tag}: ${customers}`);
    }
  });
}
