/**
 * What each of the interaction, content and social values is made of: the raw signal that is
 * ranked within the workspace, as a formula over a customer's aggregates. Pure; the SQL in
 * scores.queries.ts is built from these same constants, and `explainSignals` splits a raw signal
 * back into what each input contributed.
 *
 * Everything is log-scaled, so that one viral post or one very chatty day does not dwarf steady
 * people: doubling an input adds a constant, it does not double the signal.
 */

/** interaction = 20 · ln(1 + Σ weight · input). Recent interaction already halves every 30 days. */
export const INTERACTION_TERMS = { recent_interaction: 1, active_days_30: 2, pats_received: 2 } as const;

/** content = Σ weight · ln(1 + input): posts count most, reach least. */
export const CONTENT_TERMS = { posts: 10, engagement: 5, exposure: 2 } as const;

/**
 * social = 20 · ln(1 + Σ weight · input): inviting a friend weighs five shares, and every ¥100 the
 * people they brought spent since weighs another invitation (brought_fen in fen: 5 / 10,000).
 */
export const SOCIAL_TERMS = { shares: 1, referrals: 5, brought_fen: 0.0005 } as const;

export const LOG_SCALE = 20;

export type SignalInputs = Record<
  keyof typeof INTERACTION_TERMS | keyof typeof CONTENT_TERMS | keyof typeof SOCIAL_TERMS,
  number
>;

export type SignalPart = { input: string; value: number; contribution: number };

/** The raw signals of one customer, each with what its inputs contributed (contributions add up to the raw value). */
export function explainSignals(inputs: SignalInputs) {
  return {
    interaction: logOfSum(INTERACTION_TERMS, inputs),
    content: sumOfLogs(CONTENT_TERMS, inputs),
    social: logOfSum(SOCIAL_TERMS, inputs),
  };
}

function logOfSum(terms: Readonly<Record<string, number>>, inputs: Readonly<Record<string, number>>) {
  const weighted = Object.entries(terms).map(([input, w]) => ({
    input,
    value: inputs[input] ?? 0,
    part: w * (inputs[input] ?? 0),
  }));
  const sum = weighted.reduce((n, t) => n + t.part, 0);
  const raw = LOG_SCALE * Math.log1p(sum);
  // A log of a sum has no exact split; each input gets the share of the sum it made up.
  const parts: SignalPart[] = weighted.map((t) => ({
    input: t.input,
    value: t.value,
    contribution: sum === 0 ? 0 : (raw * t.part) / sum,
  }));
  return { raw, parts };
}

function sumOfLogs(terms: Readonly<Record<string, number>>, inputs: Readonly<Record<string, number>>) {
  const parts: SignalPart[] = Object.entries(terms).map(([input, w]) => ({
    input,
    value: inputs[input] ?? 0,
    contribution: w * Math.log1p(inputs[input] ?? 0),
  }));
  return { raw: parts.reduce((n, p) => n + p.contribution, 0), parts };
}
