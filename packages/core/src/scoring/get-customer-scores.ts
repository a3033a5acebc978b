import { resolveCustomerId } from '../customers/customers.queries.ts';
import type { Db } from '../db/create-db.ts';
import { AppError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import {
  type BuyerAggregates,
  buyerHistory,
  CLV_MONTHS,
  HORIZON_DAYS,
  type LifetimeModels,
  lifetimeScores,
} from './lifetime-scores.ts';
import { CLASSIC_RFM_GROUPS } from './rfm-groups.ts';
import { scoreReasons } from './score-reasons.ts';
import { type Cutoffs, findScoreOf, findSignalsOf } from './scores.queries.ts';
import { scoringClock } from './scoring-clock.ts';
import { findTagsOf } from './tags.queries.ts';
import { findLastDoneRun, findModelVersion } from './value-models.queries.ts';
import { explainSignals } from './value-signals.ts';

/**
 * One customer's scores with their explanation: the RFM row and group, each of the four values
 * with its raw signal and what every input contributed, its weight and share of the total, the
 * band with its reasons, the tags with since when and why, and which run and model version
 * made the numbers. Before the workspace's first run there are tags but no scores.
 */
export async function getCustomerScores(db: Db, workspace: Workspace, id: number, now = new Date()) {
  const ws = workspace.id;
  const customerId = await resolveCustomerId(db, ws, id);
  if (customerId === null) {
    throw new AppError('not_found', `no customer ${id}`);
  }
  const [run, tags, score] = await Promise.all([
    findLastDoneRun(db, ws),
    findTagsOf(db, ws, customerId),
    findScoreOf(db, ws, customerId),
  ]);
  const model = run ? await findModelVersion(db, ws, run.model_version) : undefined;
  if (!run || !model || !score) {
    return { customer_id: customerId, scored: false as const, tags };
  }
  const cutoffs = run.cutoffs as Cutoffs;
  const clock = scoringClock(workspace.timeZone, now, run.as_of);
  const signals = await findSignalsOf(db, ws, clock, customerId, cutoffs.lifetime);
  const explained = explainSignals({
    recent_interaction: signals?.recent_interaction ?? 0,
    active_days_30: signals?.active_days_30 ?? 0,
    pats_received: signals?.pats_received ?? 0,
    posts: signals?.posts ?? 0,
    engagement: signals?.engagement ?? 0,
    exposure: signals?.exposure ?? 0,
    shares: signals?.shares ?? 0,
    referrals: signals?.referrals ?? 0,
    brought_fen: signals?.brought_fen ?? 0,
  });
  const w = model.config.weights;
  const value = (name: keyof typeof w, raw: number, parts: readonly ExplainedInput[]) => ({
    score: score[name],
    weight: w[name],
    contribution: w[name] * score[name],
    raw,
    parts,
  });
  const group = CLASSIC_RFM_GROUPS.find((g) => g.code === score.rfm_group);
  return {
    customer_id: customerId,
    scored: true as const,
    scored_at: score.scored_at,
    run: { id: run.id, as_of: run.as_of, model_version: run.model_version },
    rfm: {
      r: score.r,
      f: score.f,
      m: score.m,
      v: score.v,
      group: group ? { code: group.code, names: group.names } : null,
      orders: signals?.orders ?? 0,
      purchase_days: signals?.order_days ?? 0,
      net_fen: signals?.net_fen ?? 0,
      last_order_at: signals?.last_order_at ?? null,
      workspace_means:
        cutoffs.buyers === 0
          ? null
          : {
              r: cutoffs.sums.r / cutoffs.buyers,
              f: cutoffs.sums.f / cutoffs.buyers,
              m: cutoffs.sums.m / cutoffs.buyers,
            },
    },
    values: {
      consumption: value('consumption', score.r + score.f + score.m + score.v, [
        { input: 'r', value: score.r, contribution: score.r },
        { input: 'f', value: score.f, contribution: score.f },
        { input: 'm', value: score.m, contribution: score.m },
        // V ranks the expected lifetime value (fen) among buyers; 0 without lifetime models.
        { input: 'lifetime_value_fen', value: signals?.clv ?? null, contribution: score.v },
      ]),
      interaction: value('interaction', explained.interaction.raw, [
        ...explained.interaction.parts,
        // What recent interaction is made of, for the reader; its weight is in recent_interaction.
        { input: 'messages', value: signals?.messages ?? 0, contribution: null },
        { input: 'checkins', value: signals?.checkins ?? 0, contribution: null },
        { input: 'pats_given', value: signals?.pats_given ?? 0, contribution: null },
        { input: 'questionnaires', value: signals?.questionnaires ?? 0, contribution: null },
      ]),
      content: value('content', explained.content.raw, explained.content.parts),
      social: value('social', explained.social.raw, [
        ...explained.social.parts,
        // Who brought_fen was spent by; its weight is in brought_fen.
        { input: 'brought_people', value: signals?.brought_people ?? 0, contribution: null },
      ]),
    },
    lifetime: lifetimeOf(cutoffs.lifetime, signals, workspace.timeZone, now),
    total: score.total,
    koc: score.koc,
    band: score.band,
    koc_candidate: score.koc_candidate,
    reasons: scoreReasons(score, model.config, cutoffs.total),
    tags,
  };
}

/** One input of a value's explanation; `contribution` null: shown for the reader, weighed elsewhere. */
type ExplainedInput = { input: string; value: number | null; contribution: number | null };

/** A customer's aggregates as scoring reads them: buyers' purchase times are set. */
type Aggregates = Omit<BuyerAggregates, 'first_order_at' | 'last_order_at'> & {
  orders: number;
  first_order_at: Date | null;
  last_order_at: Date | null;
};

function lifetimeOf(
  models: LifetimeModels | null,
  signals: Aggregates | undefined,
  timeZone: string,
  now: Date,
) {
  const { first_order_at, last_order_at } = signals ?? {};
  if (!models || !signals || signals.orders === 0 || !first_order_at || !last_order_at) {
    return null;
  }
  const scores = lifetimeScores(
    models,
    buyerHistory({ ...signals, first_order_at, last_order_at }, timeZone, now),
    { unit: 'days', horizon: HORIZON_DAYS, months: CLV_MONTHS },
  );
  return {
    probability_alive: scores.probabilityAlive,
    expected_purchases: { days: HORIZON_DAYS, value: scores.expectedPurchases },
    expected_average_spend_fen: scores.expectedAverageSpend,
    lifetime_value_fen: { months: CLV_MONTHS, value: scores.lifetimeValue },
    parameters: models,
  };
}
