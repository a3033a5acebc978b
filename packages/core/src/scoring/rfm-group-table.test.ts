/**
 * Operator-defined group tables (rfm-group-table.ts): validation messages, first match wins, the
 * fallback, and the compiled lookup against a plain row-by-row scan on all 125 score combinations.
 */
import { describe, expect, test } from 'vitest';
import { R_RFM_README_SEGMENTS } from './r-rfm-table.ts';
import {
  assignGroups,
  classicGroupTable,
  compileGroupTable,
  type GroupTable,
  parseGroupTable,
} from './rfm-group-table.ts';

const names = (en: string) => ({ zh: `组${en}`, en });
const all = { min: 1, max: 5 };

function table(groups: unknown[], fallback: unknown = { code: 'others', names: names('Others') }): unknown {
  return { groups, fallback };
}

function issues(input: unknown): readonly string[] {
  const result = parseGroupTable(input);
  return result.ok ? [] : result.issues;
}

describe('parseGroupTable', () => {
  test('accepts the R rfm README table (overlapping rows, all reachable) and a minimal table', () => {
    expect(parseGroupTable(R_RFM_README_SEGMENTS).ok).toBe(true);
    expect(
      parseGroupTable(table([{ code: 'vip', names: names('VIP'), r: all, f: all, m: { min: 5, max: 5 } }])),
    ).toMatchObject({ ok: true });
  });

  test('rejects scores outside 1–5, fractions, and min above max — naming the row and range', () => {
    expect(
      issues(
        table([
          { code: 'a', names: names('A'), r: { min: 0, max: 5 }, f: all, m: all },
          { code: 'b', names: names('B'), r: all, f: { min: 4, max: 2 }, m: all },
          { code: 'c', names: names('C'), r: all, f: all, m: { min: 2.5, max: 6 } },
        ]),
      ),
    ).toEqual([
      'groups[0].r.min: scores run from 1 to 5',
      'groups[1].f: min 4 is above max 2',
      'groups[2].m.min: a score bound must be a whole number',
      'groups[2].m.max: scores run from 1 to 5',
    ]);
  });

  test('rejects duplicate codes, the fallback’s included', () => {
    expect(
      issues(
        table(
          [
            { code: 'vip', names: names('VIP'), r: { min: 5, max: 5 }, f: all, m: all },
            { code: 'vip', names: names('VIP 2'), r: { min: 4, max: 4 }, f: all, m: all },
            { code: 'rest', names: names('Rest'), r: { min: 1, max: 3 }, f: all, m: all },
          ],
          { code: 'rest', names: names('Rest') },
        ),
      ),
    ).toEqual([
      "groups[1].code: code 'vip' is already used by groups[0]",
      "fallback.code: code 'rest' is already used by groups[2]",
    ]);
  });

  test('rejects a row that earlier rows shadow completely, and names them', () => {
    expect(
      issues(
        table([
          { code: 'recent', names: names('Recent'), r: { min: 4, max: 5 }, f: all, m: all },
          { code: 'lapsed', names: names('Lapsed'), r: { min: 1, max: 3 }, f: { min: 1, max: 2 }, m: all },
          {
            code: 'big',
            names: names('Big'),
            r: { min: 3, max: 5 },
            f: { min: 1, max: 2 },
            m: { min: 5, max: 5 },
          },
          { code: 'partly', names: names('Partly'), r: { min: 3, max: 5 }, f: all, m: all },
        ]),
      ),
    ).toEqual([
      "groups[2]: group 'big' can never match: every score it covers is taken by 'recent' (groups[0]), 'lapsed' (groups[1]) before it",
    ]);
  });

  test('rejects malformed structure with readable paths', () => {
    expect(issues(table([]))).toEqual(['groups: a table needs at least one group']);
    expect(
      issues(table([{ code: 'Bad Code', names: { zh: '', en: 'x' }, r: all, f: all, m: all, extra: 1 }])),
    ).toEqual([
      'groups[0].code: a code is 1–64 lower-case letters, digits or _, starting with a letter',
      'groups[0].names.zh: Too small: expected string to have >=1 characters',
      'groups[0]: Unrecognized key: "extra"',
    ]);
    expect(issues(null)).toHaveLength(1);
    const many = Array.from({ length: 126 }, (_, i) => ({
      code: `g${i}`,
      names: names(`G${i}`),
      r: all,
      f: all,
      m: all,
    }));
    expect(issues(table(many))).toEqual([
      'groups: at most 125 groups: there are only 125 score combinations',
    ]);
    expect(issues({ groups: [{ code: 'a', names: names('A'), r: all, f: all }] })[0]).toMatch(
      /^groups\[0\]\.m: /,
    );
  });
});

describe('assigning groups', () => {
  const operator = parseGroupTable(
    table([
      {
        code: 'champions',
        names: names('Champions'),
        r: { min: 4, max: 5 },
        f: { min: 4, max: 5 },
        m: { min: 4, max: 5 },
      },
      { code: 'big_spenders', names: names('Big'), r: all, f: all, m: { min: 4, max: 5 } },
      { code: 'lost', names: names('Lost'), r: { min: 1, max: 1 }, f: all, m: all },
    ]),
  );

  test('first match wins, else the fallback', () => {
    if (!operator.ok) {
      throw new Error(operator.issues.join('; '));
    }
    expect(
      assignGroups(
        [
          { r: 5, f: 5, m: 5 }, // champions, though big_spenders matches too
          { r: 1, f: 1, m: 5 }, // big_spenders before lost
          { r: 1, f: 3, m: 2 },
          { r: 3, f: 3, m: 3 },
        ],
        operator.table,
      ),
    ).toEqual(['champions', 'big_spenders', 'lost', 'others']);
  });

  test('the compiled lookup equals a row-by-row scan on all 125 combinations', () => {
    const tables: GroupTable[] = [R_RFM_README_SEGMENTS, ...(operator.ok ? [operator.table] : [])];
    for (const t of tables) {
      const lookup = compileGroupTable(t);
      for (let r = 1; r <= 5; r += 1) {
        for (let f = 1; f <= 5; f += 1) {
          for (let m = 1; m <= 5; m += 1) {
            const scan = t.groups.find(
              (g) =>
                g.r.min <= r && r <= g.r.max && g.f.min <= f && f <= g.f.max && g.m.min <= m && m <= g.m.max,
            );
            expect(lookup({ r, f, m })).toBe(scan?.code ?? t.fallback.code);
          }
        }
      }
    }
  });

  test('scores outside 1–5 are a bug, not a fallback', () => {
    expect(() => assignGroups([{ r: 0, f: 1, m: 1 }], R_RFM_README_SEGMENTS)).toThrow(RangeError);
    expect(() => assignGroups([{ r: 2.5, f: 1, m: 1 }], R_RFM_README_SEGMENTS)).toThrow(RangeError);
  });
});

describe('classicGroupTable', () => {
  test('splits each measure at its mean: ↓ = 1…⌊mean⌋, ↑ = above', () => {
    // Means r 2.5, f 1, m 4.2.
    const t = classicGroupTable({ count: 10, r: 25, f: 10, m: 42 });
    const value = t.groups.find((g) => g.code === 'important_value');
    const winBack = t.groups.find((g) => g.code === 'general_win_back');
    expect([value?.r, value?.f, value?.m]).toEqual([
      { min: 3, max: 5 },
      { min: 2, max: 5 },
      { min: 5, max: 5 },
    ]);
    expect([winBack?.r, winBack?.f, winBack?.m]).toEqual([
      { min: 1, max: 2 },
      { min: 1, max: 1 },
      { min: 1, max: 4 },
    ]);
  });

  test('a mean of 5 leaves nothing above it; an empty workspace has no mean', () => {
    expect(() => classicGroupTable({ count: 2, r: 10, f: 4, m: 4 })).toThrow(/no score above or below/);
    expect(() => classicGroupTable({ count: 0, r: 0, f: 0, m: 0 })).toThrow(/empty workspace/);
  });
});
