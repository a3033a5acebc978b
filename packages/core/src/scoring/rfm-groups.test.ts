/**
 * The eight classic RFM groups (rfm-groups.ts): hand-built workspaces whose groups are obvious, the
 * behaviour exactly at the mean, and agreement with the same rule frozen into a group table.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assignGroups, classicGroupTable } from './rfm-group-table.ts';
import {
  CLASSIC_RFM_GROUPS,
  classicGroup,
  classicGroups,
  scoreMeans,
  scoreTotals,
  trendOf,
} from './rfm-groups.ts';
import { type RfmRow, type RfmScores, type Score, scoreRfm } from './rfm-scores.ts';

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.RUNS ?? 300);

function s(r: Score, f: Score, m: Score): RfmScores {
  return { r, f, m };
}

describe('the eight groups', () => {
  test('stable codes, Chinese and English names, one group for each combination of arrows', () => {
    expect(CLASSIC_RFM_GROUPS.map((g) => [g.code, g.names.zh, `R${g.r}F${g.f}M${g.m}`])).toEqual([
      ['important_value', '重要价值', 'RupFupMup'],
      ['important_develop', '重要发展', 'RupFdownMup'],
      ['important_keep', '重要保持', 'RdownFupMup'],
      ['important_win_back', '重要挽留', 'RdownFdownMup'],
      ['general_value', '一般价值', 'RupFupMdown'],
      ['general_develop', '一般发展', 'RupFdownMdown'],
      ['general_keep', '一般保持', 'RdownFupMdown'],
      ['general_win_back', '一般挽留', 'RdownFdownMdown'],
    ]);
    expect(new Set(CLASSIC_RFM_GROUPS.map((g) => g.names.en)).size).toBe(8);
    expect(classicGroup('important_keep').names.en).toBe('Important to keep');
  });

  test('the corners of the score cube land in their eight groups (means are all 3)', () => {
    const corners = [
      s(5, 5, 5),
      s(5, 1, 5),
      s(1, 5, 5),
      s(1, 1, 5),
      s(5, 5, 1),
      s(5, 1, 1),
      s(1, 5, 1),
      s(1, 1, 1),
    ];
    const { totals, groups } = classicGroups(corners);
    expect(scoreMeans(totals)).toEqual({ r: 3, f: 3, m: 3 });
    expect(groups).toEqual(CLASSIC_RFM_GROUPS.map((g) => g.code));
  });

  test('exactly at the mean is ↓: "↑" is strictly better than the workspace mean', () => {
    // Mean R = (1 + 3 + 5) / 3 = 3: the customer with R = 3 is not above it.
    const { groups } = classicGroups([s(1, 1, 1), s(3, 5, 5), s(5, 3, 3)]);
    expect(groups[1]).toBe('important_keep'); // R 3 = mean → ↓; F 5, M 5 > 3 → ↑
    expect(groups[2]).toBe('general_develop'); // R 5 ↑; F 3, M 3 = mean → ↓
    expect(trendOf(3, 9, 3)).toBe('down');
    expect(trendOf(4, 9, 3)).toBe('up');
  });

  test('everyone alike: all score 1, all at the mean, all 一般挽留', () => {
    const rows: RfmRow[] = Array.from({ length: 6 }, () => ({
      recency: 30,
      frequency: 2,
      totalSpend: 5_000,
    }));
    const { totals, groups } = classicGroups(scoreRfm(rows));
    expect(scoreMeans(totals)).toEqual({ r: 1, f: 1, m: 1 });
    expect(new Set(groups)).toEqual(new Set(['general_win_back']));
  });

  test('one customer is 一般挽留 (nobody to be better than); no customers, no groups', () => {
    expect(classicGroups(scoreRfm([{ recency: 1, frequency: 9, totalSpend: 99_000 }])).groups).toEqual([
      'general_win_back',
    ]);
    const empty = classicGroups([]);
    expect(empty.groups).toEqual([]);
    expect(scoreMeans(empty.totals)).toBeNull();
  });

  test('the heavy buyer who never returns is 重要保持 (R↓F↑M↑); the new big spender 重要发展', () => {
    const workspace: RfmRow[] = [
      { recency: 400, frequency: 30, totalSpend: 900_000 }, // the heavy buyer, gone for 400 days
      { recency: 2, frequency: 1, totalSpend: 300_000 }, // bought once, yesterday, a lot
      ...[5, 12, 20, 33, 41, 58, 66, 79].map((days, i) => ({
        recency: days,
        frequency: 1 + (i % 3),
        totalSpend: 5_000 + 1_000 * i,
      })),
    ];
    const scores = scoreRfm(workspace);
    expect(scores.slice(0, 2)).toEqual([s(1, 5, 5), s(5, 1, 5)]);
    const { groups } = classicGroups(scores);
    expect(groups.slice(0, 2)).toEqual(['important_keep', 'important_develop']);
  });
});

const scoreArb = fc.constantFrom<Score>(1, 2, 3, 4, 5);
const rowsArb = fc.array(
  fc.record({
    recency: fc.integer({ min: 0, max: 30 }),
    frequency: fc.integer({ min: 1, max: 6 }),
    totalSpend: fc.integer({ min: 0, max: 40 }).map((x) => x * 1_000),
  }),
  { minLength: 1, maxLength: 60 },
);

test(`the mean rule equals its frozen table, and ignores row order (seed ${SEED})`, () => {
  console.log(`rfm classic-group property: seed ${SEED}, ${RUNS} runs (rerun with SEED=${SEED})`);
  fc.assert(
    fc.property(
      rowsArb,
      fc.array(fc.record({ r: scoreArb, f: scoreArb, m: scoreArb }), { minLength: 1, maxLength: 40 }),
      (rows, arbitrary) => {
        const scores = scoreRfm(rows);
        const { totals, groups } = classicGroups(scores);
        expect(assignGroups(scores, classicGroupTable(totals))).toEqual(groups);
        const reversed = classicGroups(scoreRfm([...rows].reverse()));
        expect(reversed.groups).toEqual([...groups].reverse());
        // Any scores whose means are below 5 (the table needs a score above each mean).
        const anyTotals = scoreTotals(arbitrary);
        if ([anyTotals.r, anyTotals.f, anyTotals.m].every((sum) => sum < 5 * anyTotals.count)) {
          expect(assignGroups(arbitrary, classicGroupTable(anyTotals))).toEqual(
            classicGroups(arbitrary).groups,
          );
        }
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});
