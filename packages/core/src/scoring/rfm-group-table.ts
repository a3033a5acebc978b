/**
 * Operator-defined RFM group tables (like the segment table of R's rfm package): an ordered list of
 * groups, each with a stable code, Chinese and English names and inclusive 1–5 score ranges for r, f
 * and m; a customer belongs to the FIRST group whose three ranges all hold its scores, else to the
 * fallback group. Pure; no I/O.
 *
 * Hatchery's default remains the mean-based rule of rfm-groups.ts (the eight classic groups move with
 * the workspace's mean scores, which fixed ranges cannot); a table is the operator's option, and
 * `classicGroupTable` freezes the classic rule at given means into a table to start editing from.
 *
 * Validation (zod) rejects, with a message naming the row: ranges outside 1–5 or not integers,
 * min > max, malformed or duplicate codes (the fallback's included), empty names, unknown keys, and a
 * group that can never match because groups before it already take every score combination it covers
 * (overlap is allowed — first match wins — but a row that is entirely shadowed is a mistake).
 *
 * As SQL the compiled table is one CASE, rows in order:
 *     CASE WHEN r_score BETWEEN 5 AND 5 AND f_score BETWEEN 5 AND 5 AND m_score BETWEEN 5 AND 5
 *          THEN 'champions' … ELSE 'others' END
 */
import { z } from 'zod';
import { CLASSIC_RFM_GROUPS, type ScoreTotals, trendOf } from './rfm-groups.ts';
import type { Score } from './rfm-scores.ts';

const ScoreBound = z
  .number({ error: 'a score bound must be a number from 1 to 5' })
  .int('a score bound must be a whole number')
  .min(1, 'scores run from 1 to 5')
  .max(5, 'scores run from 1 to 5');

const ScoreRangeSchema = z
  .object({ min: ScoreBound, max: ScoreBound })
  .strict()
  .superRefine((range, ctx) => {
    if (range.min > range.max) {
      ctx.addIssue({ code: 'custom', message: `min ${range.min} is above max ${range.max}` });
    }
  });

const CodeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a code is 1–64 lower-case letters, digits or _, starting with a letter');

const NamesSchema = z
  .object({ zh: z.string().trim().min(1).max(64), en: z.string().trim().min(1).max(64) })
  .strict();

const GroupRowSchema = z
  .object({
    code: CodeSchema,
    names: NamesSchema,
    r: ScoreRangeSchema,
    f: ScoreRangeSchema,
    m: ScoreRangeSchema,
  })
  .strict();

const FallbackSchema = z.object({ code: CodeSchema, names: NamesSchema }).strict();

export type ScoreRange = { readonly min: Score; readonly max: Score };

/** Every (r, f, m) score cell, as an index 0…124. */
function cellIndex(r: number, f: number, m: number): number {
  return (r - 1) * 25 + (f - 1) * 5 + (m - 1);
}

type Ranges = { readonly [K in 'r' | 'f' | 'm']: { readonly min: number; readonly max: number } };

function cellsOf(row: Ranges): number[] {
  const cells: number[] = [];
  for (let r = row.r.min; r <= row.r.max; r += 1) {
    for (let f = row.f.min; f <= row.f.max; f += 1) {
      for (let m = row.m.min; m <= row.m.max; m += 1) {
        cells.push(cellIndex(r, f, m));
      }
    }
  }
  return cells;
}

export const GroupTableSchema = z
  .object({
    groups: z
      .array(GroupRowSchema)
      .min(1, 'a table needs at least one group')
      .max(125, 'at most 125 groups: there are only 125 score combinations'),
    fallback: FallbackSchema,
  })
  .strict()
  // zod runs this only once every row is well-formed, so malformed rows are reported first.
  .superRefine((table, ctx) => {
    const codeAt = new Map<string, string>();
    const seen = (code: string, where: string, path: (string | number)[]): void => {
      const first = codeAt.get(code);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `code '${code}' is already used by ${first}` });
      } else {
        codeAt.set(code, where);
      }
    };
    // Which earlier row first took each cell, to name the rows that shadow an unreachable one.
    const owner = new Array<number | undefined>(125);
    table.groups.forEach((row, i) => {
      seen(row.code, `groups[${i}]`, ['groups', i, 'code']);
      const cells = cellsOf(row);
      const fresh = cells.filter((c) => owner[c] === undefined);
      if (fresh.length === 0) {
        const shadows = [...new Set(cells.map((c) => owner[c]))]
          .sort((a, b) => (a ?? 0) - (b ?? 0))
          .map((j) => `'${table.groups[j ?? 0]?.code}' (groups[${j}])`);
        ctx.addIssue({
          code: 'custom',
          path: ['groups', i],
          message: `group '${row.code}' can never match: every score it covers is taken by ${shadows.join(', ')} before it`,
        });
      }
      for (const c of fresh) {
        owner[c] = i;
      }
    });
    seen(table.fallback.code, 'fallback', ['fallback', 'code']);
  });

export type GroupTable = {
  readonly groups: readonly {
    readonly code: string;
    readonly names: { readonly zh: string; readonly en: string };
    readonly r: ScoreRange;
    readonly f: ScoreRange;
    readonly m: ScoreRange;
  }[];
  readonly fallback: { readonly code: string; readonly names: { readonly zh: string; readonly en: string } };
};

export type GroupTableResult =
  | { readonly ok: true; readonly table: GroupTable }
  | { readonly ok: false; readonly issues: readonly string[] };

/** Validates an operator's table (parsed JSON). Problems are a value: one readable line per issue. */
export function parseGroupTable(input: unknown): GroupTableResult {
  const parsed = GroupTableSchema.safeParse(input);
  if (parsed.success) {
    return { ok: true, table: parsed.data as GroupTable };
  }
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('')
      .replace(/^\./, '') || '(table)'
  );
}

/** Like {@link parseGroupTable} for tables written in code: throws on the first problem. */
export function groupTable(input: unknown): GroupTable {
  const result = parseGroupTable(input);
  if (!result.ok) {
    throw new RangeError(`invalid RFM group table: ${result.issues.join('; ')}`);
  }
  return result.table;
}

/** Three scores to look up: Hatchery's RfmScores, or a peer's (R rfm) scores, each a whole number 1–5. */
export type ScoreTriple = { readonly r: number; readonly f: number; readonly m: number };

/** A table compiled to a 125-cell lookup: each customer is then one array read. */
export function compileGroupTable(table: GroupTable): (score: ScoreTriple) => string {
  const lookup = new Array<string>(125).fill(table.fallback.code);
  for (const row of [...table.groups].reverse()) {
    for (const c of cellsOf(row)) {
      lookup[c] = row.code; // rows are written last-to-first, so the first matching row wins
    }
  }
  return (score) => {
    const group = lookup[cellIndex(score.r, score.f, score.m)];
    if (![score.r, score.f, score.m].every((s) => Number.isInteger(s) && s >= 1 && s <= 5) || !group) {
      throw new RangeError(`scores must be whole numbers 1–5: ${JSON.stringify(score)}`);
    }
    return group;
  };
}

/** Every customer's group code under the table, same order as `scores`. */
export function assignGroups(scores: readonly ScoreTriple[], table: GroupTable): string[] {
  const groupOf = compileGroupTable(table);
  return scores.map(groupOf);
}

/**
 * The eight classic groups (rfm-groups.ts) at a workspace's current score totals, as a table: ↑ is the
 * score range above the mean, ↓ the range from 1 up to the mean. Assigning with it gives exactly
 * `classicGroups` for those totals. Throws when a mean is 5 (every score 5: there is no range above
 * it), which the quintile rule never produces, as its worst value scores 1.
 */
export function classicGroupTable(totals: ScoreTotals): GroupTable {
  const split = (sum: number): { up: ScoreRange; down: ScoreRange } => {
    if (totals.count === 0) {
      throw new RangeError('an empty workspace has no mean scores');
    }
    // The highest score not above the mean: the largest s with s × n ≤ Σ.
    let top = 0;
    for (let s = 1; s <= 5; s += 1) {
      if (trendOf(s, sum, totals.count) === 'down') {
        top = s;
      }
    }
    if (top < 1 || top > 4) {
      throw new RangeError(`mean score ${sum / totals.count} leaves no score above or below it`);
    }
    return { down: { min: 1, max: top as Score }, up: { min: (top + 1) as Score, max: 5 } };
  };
  const r = split(totals.r);
  const f = split(totals.f);
  const m = split(totals.m);
  return groupTable({
    groups: CLASSIC_RFM_GROUPS.map((g) => ({
      code: g.code,
      names: g.names,
      r: r[g.r],
      f: f[g.f],
      m: m[g.m],
    })),
    fallback: { code: 'unmatched', names: { zh: '未匹配', en: 'Unmatched' } },
  });
}
