/**
 * The peer modes against the peers' own outputs on the full CDNOW master file (23,570 customers),
 * customer by customer: pymc-marketing `rfm_segments` and R rfm `rfm_table_order` + `rfm_segment`
 * (README table), plus the worked values of cdnow/SOURCE.md and pymc's own unit-test vector.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CDNOW_DIR, PEER_VECTORS_FILE, readCsv, readMaster } from './cdnow.fixtures.ts';
import { classicRfm, type Purchase } from './purchase-summary.ts';
import {
  numpyQuantileLinear,
  type PymcRfmRow,
  pymcRfmSegments,
  qcutBin,
  qcutEdges,
} from './pymc-rfm-segments.ts';
import {
  exactSum,
  R_RFM_README_SEGMENTS,
  rQuantileType7,
  rRfmRow,
  rRfmTableOrder,
  rSeqProbs,
} from './r-rfm-table.ts';
import { assignGroups } from './rfm-group-table.ts';

const SHARED_CDNOW = new URL('../../../../../shared/data/cdnow/', import.meta.url);
const END = '1998-06-30';
const CDNOW_CUSTOMERS = 23_570;

test('the shared CDNOW folder resolves from this file', () => {
  expect(SHARED_CDNOW.href).toBe(CDNOW_DIR.href);
  for (const file of [
    'SOURCE.md',
    'CDNOW_master.txt',
    'oracle/pymc_marketing_rfm_segments_master_19980630.csv',
    'oracle/rfm_r_table_order_master_19980630.csv',
    'oracle/rfm_r_table_order_master_19980630_thresholds.csv',
  ]) {
    expect(existsSync(new URL(file, SHARED_CDNOW)), file).toBe(true);
  }
});

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected));
}

const master = readMaster();
const ids = [...master.keys()];

/** pymc's classic RFM row in the peer's unit: mean spend per purchase day in dollars. */
function pymcRow(purchases: readonly Purchase[]): PymcRfmRow {
  const rfm = classicRfm(purchases, { end: END });
  if (rfm === null) {
    throw new Error('every CDNOW customer bought before the end');
  }
  return {
    recency: rfm.recency,
    frequency: rfm.frequency,
    monetaryValue: rfm.totalSpend / 100 / rfm.frequency,
  };
}

describe('pymc-marketing rfm_segments on CDNOW master, end 1998-06-30', () => {
  const rows = ids.map((id) => pymcRow(master.get(id) ?? []));
  const result = pymcRfmSegments(rows);
  const byId = new Map(ids.map((id, i) => [id, { row: rows[i], out: result.customers[i] }]));
  const oracle = readCsv('oracle/pymc_marketing_rfm_segments_master_19980630.csv');

  test('every customer: F, R, M, rfm_score and segment', () => {
    expect(oracle).toHaveLength(CDNOW_CUSTOMERS);
    expect(byId.size).toBe(CDNOW_CUSTOMERS);
    const wrong = oracle.flatMap((o) => {
      const id = o.customer_id ?? '';
      const mine = byId.get(id);
      if (mine?.row === undefined || mine.out === undefined) {
        return [`${id}: missing`];
      }
      const problems: string[] = [];
      if (mine.row.frequency !== Number(o.frequency) || mine.row.recency !== Number(o.recency)) {
        problems.push(`${id}: F/R ${mine.row.frequency}/${mine.row.recency} ≠ ${o.frequency}/${o.recency}`);
      }
      if (!close(mine.row.monetaryValue, Number(o.monetary_value))) {
        problems.push(`${id}: M ${mine.row.monetaryValue} ≠ ${o.monetary_value}`);
      }
      if (mine.out.rfmScore !== o.rfm_score || mine.out.segment !== o.segment) {
        problems.push(`${id}: ${mine.out.rfmScore} ${mine.out.segment} ≠ ${o.rfm_score} ${o.segment}`);
      }
      return problems;
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  test('SOURCE.md worked values: edges, customers 1–4, segment counts', () => {
    expect(result.edges.recency).toEqual([0, 207, 471, 505, 545]);
    expect(result.edges.frequency).toEqual([1, 3, 171]);
    const [m0, m1, m2, m3, m4] = result.edges.monetary;
    expect([m0, m1, m2, m4]).toEqual([0, 15.2375, 25.5, 1119.68]);
    expect(String(m3).startsWith('40.119')).toBe(true);
    expect(['1', '2', '3', '4'].map((id) => byId.get(id)?.out)).toEqual([
      { rfmScore: '111', segment: 'Inactive Customer' },
      { rfmScore: '114', segment: 'Inactive Customer' },
      { rfmScore: '423', segment: 'Top Spender' },
      { rfmScore: '422', segment: 'At Risk Customer' },
    ]);
    const counts = new Map<string, number>();
    for (const c of result.customers) {
      counts.set(c.segment, (counts.get(c.segment) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({
      'Inactive Customer': 9371,
      'Top Spender': 6666,
      'At Risk Customer': 5915,
      Other: 1618,
    });
  });

  test('bins are scale-free: the same scores with money in cents', () => {
    const inCents = pymcRfmSegments(rows.map((r) => ({ ...r, monetaryValue: r.monetaryValue * 100 })));
    expect(inCents.customers).toEqual(result.customers);
  });
});

type Vector = {
  name: string;
  function: string;
  params: Record<string, string | boolean | null>;
  transactions: [number, string, number?][];
  expected_columns: string[];
  expected: (number | string)[][];
};

describe('pymc-marketing rfm_segments on its own unit-test vector', () => {
  const { vectors } = JSON.parse(readFileSync(PEER_VECTORS_FILE, 'utf8')) as { vectors: Vector[] };
  const segmentVectors = vectors.filter((v) => v.function === 'pymc_marketing.clv.utils.rfm_segments');

  test('there is one such vector, with the default config', () => {
    expect(segmentVectors.map((v) => v.name)).toEqual(['pymc_rfm_segments_default_config']);
  });

  test.each(segmentVectors)('$name', (vector) => {
    const byCustomer = new Map<number, Purchase[]>();
    let latest = '';
    for (const [id, day, amount] of vector.transactions) {
      latest = day > latest ? day : latest;
      byCustomer.set(id, [...(byCustomer.get(id) ?? []), { day, amount: Math.round((amount ?? 0) * 100) }]);
    }
    const customers = [...byCustomer.keys()].sort((a, b) => a - b);
    const rows = customers.map((id) => {
      const rfm = classicRfm(byCustomer.get(id) ?? [], { end: latest });
      if (rfm === null) {
        throw new Error(`customer ${id} has no purchase`);
      }
      return {
        recency: rfm.recency,
        frequency: rfm.frequency,
        monetaryValue: rfm.totalSpend / 100 / rfm.frequency,
      };
    });
    const out = pymcRfmSegments(rows).customers;
    const actual = customers.map((id, i) => [
      id,
      rows[i]?.frequency,
      rows[i]?.recency,
      rows[i]?.monetaryValue,
      out[i]?.rfmScore,
      out[i]?.segment,
    ]);
    expect(vector.expected_columns).toEqual([
      'customer_id',
      'frequency',
      'recency',
      'monetary_value',
      'rfm_score',
      'segment',
    ]);
    expect(actual).toEqual(vector.expected);
  });
});

describe('pandas.qcut and numpy.quantile details', () => {
  test('linear quantiles, computed from the upper side when t ≥ 0.5', () => {
    expect(numpyQuantileLinear([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(numpyQuantileLinear([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(numpyQuantileLinear([7], 0.5)).toBe(7);
    // numpy ≥ 1.22 computes b − (b − a)(1 − t) for t ≥ .5; a + (b − a)t would give 0.4.
    expect(numpyQuantileLinear([0.1, 0.7], 0.5)).toBe(0.39999999999999997);
  });

  test('right-closed bins with the minimum in the first; duplicate edges dropped', () => {
    expect(qcutEdges([1, 1, 1, 1, 2, 5])).toEqual([1, 1.75, 5]);
    expect([1, 1.75, 2, 5].map((v) => qcutBin([1, 1.75, 5], v))).toEqual([1, 1, 2, 2]);
  });

  test('a measure with a single bin makes pymc raise, and so do we', () => {
    const rows = [1, 2, 3, 4].map((i) => ({ recency: i, frequency: 1, monetaryValue: i }));
    expect(() => pymcRfmSegments(rows)).toThrow(/frequency has 0 quartile bin/);
  });
});

describe('R rfm rfm_table_order + rfm_segment (README table) on CDNOW master, analysis date 1998-06-30', () => {
  const rows = ids.map((id) => rRfmRow(master.get(id) ?? [], END));
  const table = rRfmTableOrder(rows);
  const segments = assignGroups(
    table.customers.map((c) => ({ r: c.recencyScore, f: c.frequencyScore, m: c.monetaryScore })),
    R_RFM_README_SEGMENTS,
  );
  const nameOf = new Map(
    [...R_RFM_README_SEGMENTS.groups, R_RFM_README_SEGMENTS.fallback].map((g) => [g.code, g.names.en]),
  );
  const byId = new Map(ids.map((id, i) => [id, i]));

  test('thresholds', () => {
    const oracle = readCsv('oracle/rfm_r_table_order_master_19980630_thresholds.csv');
    const mine = oracle.map((_, i) => ({
      recency_lower: table.thresholds.recency.lower[i],
      recency_upper: table.thresholds.recency.upper[i],
      frequency_lower: table.thresholds.frequency.lower[i],
      frequency_upper: table.thresholds.frequency.upper[i],
      monetary_lower: table.thresholds.monetary.lower[i],
      monetary_upper: table.thresholds.monetary.upper[i],
    }));
    expect(oracle).toHaveLength(5);
    oracle.forEach((row, i) => {
      for (const [column, value] of Object.entries(row)) {
        const got = mine[i]?.[column as keyof (typeof mine)[number]] ?? Number.NaN;
        expect(close(got, Number(value)), `${i}.${column}: ${got} ≠ ${value}`).toBe(true);
      }
    });
    // SOURCE.md: count intervals [1,2) [2,2) [2,3) [3,5) [5,218) — the second is empty.
    expect(table.thresholds.frequency).toEqual({ lower: [1, 2, 2, 3, 5], upper: [2, 2, 3, 5, 218] });
  });

  test('every customer: recency days, count, amount, the three scores, rfm_score and segment', () => {
    const oracle = readCsv('oracle/rfm_r_table_order_master_19980630.csv');
    expect(oracle).toHaveLength(CDNOW_CUSTOMERS);
    const wrong = oracle.flatMap((o) => {
      const id = o.customer_id ?? '';
      const i = byId.get(id);
      const row = i === undefined ? undefined : rows[i];
      const scores = i === undefined ? undefined : table.customers[i];
      if (i === undefined || row === undefined || scores === undefined) {
        return [`${id}: missing`];
      }
      const mine = [
        row.recencyDays,
        row.transactionCount,
        scores.recencyScore,
        scores.frequencyScore,
        scores.monetaryScore,
        scores.rfmScore,
      ].join(' ');
      const theirs = [
        o.recency_days,
        o.transaction_count,
        o.recency_score,
        o.frequency_score,
        o.monetary_score,
        o.rfm_score,
      ].join(' ');
      const segment = nameOf.get(segments[i] ?? '');
      return mine === theirs && segment === o.segment && close(row.amount, Number(o.amount))
        ? []
        : [`${id}: ${mine} ${row.amount} ${segment} ≠ ${theirs} ${o.amount} ${o.segment}`];
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  test('SOURCE.md worked values: customers 1–4', () => {
    const worked = ['1', '2', '3', '4'].map((id) => {
      const i = byId.get(id) ?? -1;
      const row = rows[i];
      return [
        row?.recencyDays,
        row?.transactionCount,
        row?.amount,
        table.customers[i]?.rfmScore,
        nameOf.get(segments[i] ?? ''),
      ];
    });
    expect(worked).toEqual([
      [545, 1, 11.77, 111, 'Lost'],
      [534, 2, 89, 134, "Can't Lose Them"],
      [33, 6, 156.46, 555, 'Champions'],
      [200, 4, 100.5, 444, 'Potential Loyalist'],
    ]);
  });
});

describe('R details', () => {
  test('seq(0, 1, length.out = 6) is R’s, 0.6 included as 3 × 0.2', () => {
    expect(rSeqProbs(5)).toEqual([0, 0.2, 0.4, 3 * 0.2, 0.8, 1]);
    expect(rSeqProbs(5)[3]).toBe(0.6000000000000001);
  });

  test('amounts are summed like R: the exact sum of the row doubles, rounded once', () => {
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6); // left to right in doubles: 0.6000000000000001
    expect(exactSum([1e100, 1, -1e100])).toBe(1);
    expect(exactSum([])).toBe(0);
    // CDNOW customer 502: $15.36 + $16.99 is just below 32.35, the breakpoint, in R too.
    expect(
      rRfmRow(
        [
          { day: '1997-01-02', amount: 1536 },
          { day: '1997-10-09', amount: 1699 },
        ],
        END,
      ).amount,
    ).toBe(32.349999999999994);
  });

  test('quantile type 7', () => {
    const [a, b, c] = rQuantileType7([1, 2, 3, 4, 5], [0.2, 0.5, 0.9]);
    expect([a, b, c].map((q) => Number(q?.toFixed(12)))).toEqual([1.8, 3, 4.6]);
    expect(rQuantileType7([2, 2, 2], [0.3])).toEqual([2]);
  });

  test('a breakpoint equal to a value puts it in the upper interval ([lower, upper))', () => {
    // counts 1,1,2,3,4 → quantiles 1, 1.6, 2.4, 3.2 (+1) → breaks 2, 2.6, 3.4, 4.2: a count of 2 scores 2.
    const rows = [1, 1, 2, 3, 4].map((n) => ({ recencyDays: n, transactionCount: n, amount: n }));
    const table = rRfmTableOrder(rows);
    expect(table.customers.map((c) => c.frequencyScore)).toEqual([1, 1, 2, 3, 4]);
    expect(table.customers.map((c) => c.recencyScore)).toEqual([5, 5, 4, 3, 2]);
  });
});
