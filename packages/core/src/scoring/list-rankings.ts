import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { findRanking, type RankingKind } from './rankings.queries.ts';
import { scoreReasons } from './score-reasons.ts';
import type { Cutoffs } from './scores.queries.ts';
import { findLastDoneRun, findModelVersion } from './value-models.queries.ts';

export type RankingPage = { kind: RankingKind; limit: number; cursor?: string | undefined };

/** A page of super users, second-tier core, KOC candidates or everyone by total, each row with its reasons. */
export async function listRankings(db: Db, workspace: Workspace, page: RankingPage) {
  const ws = workspace.id;
  const run = await findLastDoneRun(db, ws);
  const model = run ? await findModelVersion(db, ws, run.model_version) : undefined;
  if (!run || !model) {
    return { run: null, rows: [], next_cursor: null };
  }
  const rows = await findRanking(db, ws, page.kind, {
    limit: page.limit + 1,
    after: parseCursor(page.cursor),
  });
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown.at(-1);
  const cutoffs = (run.cutoffs as Cutoffs).total;
  return {
    run: { id: run.id, as_of: run.as_of, model_version: run.model_version },
    rows: shown.map((row) => ({ ...row, reasons: scoreReasons(row, model.config, cutoffs) })),
    next_cursor:
      more && last ? `${page.kind === 'koc_candidate' ? last.koc : last.total}:${last.customer_id}` : null,
  };
}

function parseCursor(cursor: string | undefined) {
  if (cursor === undefined) {
    return undefined;
  }
  const match = /^(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?):(\d+)$/.exec(cursor);
  if (!match) {
    throw new AppError('invalid_request', 'cursor: not a cursor this list gave out');
  }
  return { score: Number(match[1]), customerId: Number(match[2]) };
}
