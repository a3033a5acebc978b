/**
 * Hatchery's quintile rule (rfm-scores.ts) on hand-built cases where the answer is obvious, and a
 * seeded property: scores do not depend on row order and never rank a better value lower.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readMaster } from './cdnow.fixtures.ts';
import { classicRfm } from './purchase-summary.ts';
import { type Better, quintileScores, type RfmRow, type Score, scoreRfm } from './rfm-scores.ts';

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.RUNS ?? 300);

function row(recency: number, frequency: number, totalSpend: number): RfmRow {
  return { recency, frequency, totalSpend };
}

describe('quintileScores', () => {
  test('empty input: no scores', () => {
    expect(quintileScores([], 'higher')).toEqual([]);
    expect(scoreRfm([])).toEqual([]);
  });

  test('one customer scores 1 on everything: nobody is worse', () => {
    expect(scoreRfm([row(3, 7, 10_000)])).toEqual([{ r: 1, f: 1, m: 1 }]);
  });

  test('all customers equal: all get the same score, 1', () => {
    expect(quintileScores([4, 4, 4, 4, 4, 4, 4], 'higher')).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(quintileScores([4, 4, 4], 'lower')).toEqual([1, 1, 1]);
  });

  test('distinct values are the classic quintiles; recency reversed (most recent = 5)', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quintileScores(ten, 'higher')).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores(ten, 'lower')).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(quintileScores([50, 10, 40, 20, 30], 'higher')).toEqual([5, 1, 4, 2, 3]);
  });

  test('a tie group across a boundary takes the score of the fifth it starts in', () => {
    // The three 3s stand at places 3–5 of 10 (fifths 2 and 3): all score 2, from the 2 customers below.
    expect(quintileScores([1, 2, 3, 3, 3, 6, 7, 8, 9, 10], 'higher')).toEqual([1, 1, 2, 2, 2, 3, 4, 4, 5, 5]);
  });

  test('70 % bought once: all score F = 1, the next value scores 4, and F = 2, 3 are unused', () => {
    const frequencies = [...Array(14).fill(1), 2, 2, 2, 3, 4, 6];
    const scores = quintileScores(frequencies, 'higher');
    expect(scores).toEqual([...Array(14).fill(1), 4, 4, 4, 5, 5, 5]);
    expect(new Set(scores)).toEqual(new Set([1, 4, 5]));
  });

  test('30 % bought today: they all score R = 4, and R = 5 is unused', () => {
    const recencies = [0, 0, 0, 10, 20, 30, 40, 50, 60, 70];
    expect(quintileScores(recencies, 'lower')).toEqual([4, 4, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  test('the heavy buyer who never returns: R = 1, F = 5, M = 5', () => {
    const workspace = [
      row(400, 30, 900_000), // bought 30 days, spent 9,000 yuan, gone for 400 days
      ...[5, 12, 20, 33, 41, 58, 66, 79, 90].map((days, i) => row(days, 1 + (i % 3), 5_000 + 1_000 * i)),
    ];
    expect(scoreRfm(workspace)[0]).toEqual({ r: 1, f: 5, m: 5 });
  });

  test('M on total or on mean spend per purchase day', () => {
    const rows = [row(1, 1, 10_000), row(1, 4, 20_000), row(1, 2, 3_000)];
    expect(scoreRfm(rows, { monetary: 'total' }).map((s) => s.m)).toEqual([2, 4, 1]);
    expect(scoreRfm(rows, { monetary: 'mean' }).map((s) => s.m)).toEqual([4, 2, 1]);
    // Equal means are equal doubles (correctly rounded division): 3,000/2 = 4,500/3.
    expect(scoreRfm([row(1, 2, 3_000), row(1, 3, 4_500)], { monetary: 'mean' })).toEqual([
      { r: 1, f: 1, m: 1 },
      { r: 1, f: 3, m: 1 },
    ]);
  });

  test('rejects values that cannot be ordered, and rows without a purchase', () => {
    expect(() => quintileScores([1, Number.NaN], 'higher')).toThrow(RangeError);
    expect(() => quintileScores([Number.POSITIVE_INFINITY], 'lower')).toThrow(RangeError);
    expect(() => scoreRfm([row(1, 0, 0)])).toThrow(/at least one purchase period/);
  });

  test('CDNOW master at 1998-06-30: once-buyers all score F = 1, and every score meets its definition', () => {
    const rows = [...readMaster().values()].flatMap((purchases) => {
      const rfm = classicRfm(purchases, { end: '1998-06-30' });
      return rfm === null ? [] : [rfm];
    });
    const scores = scoreRfm(rows);
    const onceF = new Set(rows.flatMap((r, i) => (r.frequency === 1 ? [scores[i]?.f] : [])));
    expect(onceF).toEqual(new Set([1]));
    // 12,054 of the 23,570 (51 %) bought on one day only: all F = 1; two days starts at 51 %, in the
    // third fifth, so scores 3 and F = 2 is unused.
    const fCounts = [1, 2, 3, 4, 5].map((f) => scores.filter((s) => s.f === f).length);
    expect(fCounts).toEqual([12_054, 0, 4_040, 3_641, 3_835]);
    expect(
      reference(
        rows.map((r) => r.frequency),
        'higher',
      ),
    ).toEqual(scores.map((s) => s.f));
    expect(
      reference(
        rows.map((r) => r.recency),
        'lower',
      ),
    ).toEqual(scores.map((s) => s.r));
  });
});

/** The rule by its definition: 1 + floor(5 × (customers strictly worse) / n), counted by bisection. */
function reference(values: readonly number[], better: Better): Score[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  /** How many sorted values are below v (or, with `orEqual`, at most v). */
  const count = (v: number, orEqual: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = sorted[mid] ?? 0;
      if (x < v || (orEqual && x === v)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  return values.map((v) => {
    const worse = better === 'higher' ? count(v, false) : n - count(v, true);
    return (1 + Math.floor((5 * worse) / n)) as Score;
  });
}

const workspaceArb = fc.record({
  // Few distinct values, so that tie groups of every size and position occur.
  cells: fc.array(fc.record({ value: fc.integer({ min: 0, max: 9 }), key: fc.nat() }), { maxLength: 80 }),
  scale: fc.constantFrom(1, 0.1, 1_000_003),
  better: fc.constantFrom<Better>('higher', 'lower'),
});

test(`scores are invariant under shuffling and monotone in the value (seed ${SEED})`, () => {
  console.log(`rfm quintile property: seed ${SEED}, ${RUNS} runs (rerun with SEED=${SEED})`);
  fc.assert(
    fc.property(workspaceArb, ({ cells, scale, better }) => {
      const values = cells.map((c) => c.value * scale);
      const scores = quintileScores(values, better);
      // Shuffled by the random keys (ties broken by position): each value keeps its score.
      const order = cells
        .map((_, i) => i)
        .sort((a, b) => (cells[a]?.key ?? 0) - (cells[b]?.key ?? 0) || a - b);
      const shuffled = quintileScores(
        order.map((i) => values[i] ?? 0),
        better,
      );
      expect(shuffled).toEqual(order.map((i) => scores[i]));
      // Monotone: a better value never scores lower; equal values score the same.
      values.forEach((a, i) => {
        values.forEach((b, j) => {
          const aBetter = better === 'higher' ? a > b : a < b;
          if (aBetter) {
            expect(scores[i]).toBeGreaterThanOrEqual(scores[j] ?? 0);
          } else if (a === b) {
            expect(scores[i]).toBe(scores[j]);
          }
        });
      });
      expect(scores).toEqual(reference(values, better));
      if (values.length > 0) {
        expect(Math.min(...scores)).toBe(1); // the worst value always scores 1
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
