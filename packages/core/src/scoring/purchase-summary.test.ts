/**
 * The lifetimes and pymc-marketing summaries against the peers' own outputs on the full CDNOW master
 * file (23,570 customers), customer by customer, plus the worked values of cdnow/SOURCE.md.
 * Floats in the oracles carry 15 significant digits: compared with a relative tolerance of 1e-9.
 */
import { describe, expect, test } from 'vitest';
import { readCsv, readMaster } from './cdnow.fixtures.ts';
import {
  type CalibrationHoldout,
  calibrationAndHoldout,
  classicRfm,
  lifetimesSummary,
  mergeSameDay,
  type Purchase,
} from './purchase-summary.ts';

const CDNOW_CUSTOMERS = 23_570;
const master = readMaster();

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected));
}

/** Compares one customer's row with the oracle's; `dollars` columns are compared after cents ÷ 100. */
function mismatches(
  id: string,
  actual: Record<string, number> | null,
  oracle: Record<string, string>,
  dollars: readonly string[],
): string[] {
  if (actual === null) {
    return [`${id}: no summary`];
  }
  return Object.entries(actual).flatMap(([column, value]) => {
    const expected = Number(oracle[column]);
    const got = dollars.includes(column) ? value / 100 : value;
    return close(got, expected) ? [] : [`${id}.${column}: ${got} ≠ ${oracle[column]}`];
  });
}

/** Runs `summarise` over every customer of an oracle file and returns every disagreement. */
function againstOracle(
  file: string,
  summarise: (purchases: readonly Purchase[]) => Record<string, number> | null,
  dollars: readonly string[],
): { customers: number; mismatches: string[] } {
  const oracle = readCsv(`oracle/${file}`);
  const found = oracle.flatMap((row) => {
    const id = row.customer_id ?? '';
    return mismatches(id, summarise(master.get(id) ?? []), row, dollars);
  });
  return { customers: new Set(oracle.map((r) => r.customer_id)).size, mismatches: found };
}

describe('lifetimes summary_data_from_transaction_data, CDNOW master, days', () => {
  for (const [file, end] of [
    ['lifetimes_summary_master_cal19970930_days.csv', '1997-09-30'],
    ['lifetimes_summary_master_full19980630_days.csv', '1998-06-30'],
  ] as const) {
    test(`every customer agrees with ${file}`, () => {
      const result = againstOracle(
        file,
        (purchases) => {
          const s = lifetimesSummary(purchases, { end });
          return s && { frequency: s.frequency, recency: s.recency, T: s.T, monetary_value: s.monetaryValue };
        },
        ['monetary_value'],
      );
      expect(result.customers).toBe(CDNOW_CUSTOMERS);
      expect(result.mismatches).toEqual([]);
    });
  }
});

describe('lifetimes calibration_and_holdout_data, CDNOW master, 1997-09-30 / 1998-06-30', () => {
  const options = { calibrationEnd: '1997-09-30', observationEnd: '1998-06-30' } as const;
  const columns = (c: CalibrationHoldout) => ({
    frequency_cal: c.frequencyCal,
    recency_cal: c.recencyCal,
    T_cal: c.TCal,
    monetary_value_cal: c.monetaryValueCal,
    frequency_holdout: c.frequencyHoldout,
    monetary_value_holdout: c.monetaryValueHoldout,
    duration_holdout: c.durationHoldout,
  });

  test('every customer agrees with the oracle (holdout monetary = mean of raw rows)', () => {
    const result = againstOracle(
      'lifetimes_calibration_holdout_master_19970930_19980630_days.csv',
      (purchases) => {
        const c = calibrationAndHoldout(purchases, options);
        return c && columns(c);
      },
      ['monetary_value_cal', 'monetary_value_holdout'],
    );
    expect(result.customers).toBe(CDNOW_CUSTOMERS);
    expect(result.mismatches).toEqual([]);
  });

  test('averaging holdout per day instead of per row is a different definition (pymc test_monetary_value)', () => {
    const result = againstOracle(
      'lifetimes_calibration_holdout_master_19970930_19980630_days.csv',
      (purchases) => {
        const c = calibrationAndHoldout(purchases, { ...options, holdoutMonetary: 'periods' });
        return c && { monetary_value_holdout: c.monetaryValueHoldout };
      },
      ['monetary_value_holdout'],
    );
    expect(result.mismatches).toHaveLength(464); // customers with two holdout rows on one day
  });
});

describe('pymc-marketing rfm_summary(include_first_transaction=True), CDNOW master, end 1998-06-30', () => {
  test('every customer agrees with the classic RFM oracle', () => {
    const result = againstOracle(
      'pymc_marketing_rfm_summary_first_master_19980630_days.csv',
      (purchases) => {
        const r = classicRfm(purchases, { end: '1998-06-30' });
        return r && { frequency: r.frequency, recency: r.recency, monetary_value: r.monetaryValue };
      },
      ['monetary_value'],
    );
    expect(result.customers).toBe(CDNOW_CUSTOMERS);
    expect(result.mismatches).toEqual([]);
  });
});

describe('worked values of cdnow/SOURCE.md, master customers 1–4', () => {
  const calibration = { calibrationEnd: '1997-09-30', observationEnd: '1998-06-30' } as const;

  test('customer 1: a single purchase of $11.77', () => {
    const purchases = [{ day: '1997-01-01', amount: 1177 }];
    expect(lifetimesSummary(purchases, { end: '1997-09-30' })).toMatchObject({
      frequency: 0,
      recency: 0,
      T: 272,
    });
    expect(lifetimesSummary(purchases, { end: '1998-06-30' })).toMatchObject({
      frequency: 0,
      T: 545,
      monetaryValue: 0,
    });
    expect(calibrationAndHoldout(purchases, calibration)).toMatchObject({
      frequencyHoldout: 0,
      monetaryValueHoldout: 0,
      durationHoldout: 273,
    });
    expect(classicRfm(purchases, { end: '1998-06-30' })).toEqual({
      frequency: 1,
      recency: 545,
      monetaryValue: 1177,
      totalSpend: 1177,
    });
  });

  test('customer 2: $12 and $77 on the same day are one purchase of $89', () => {
    const purchases = [
      { day: '1997-01-12', amount: 1200 },
      { day: '1997-01-12', amount: 7700 },
    ];
    expect(mergeSameDay(purchases)).toEqual([{ day: '1997-01-12', amount: 8900, rows: 2 }]);
    expect(lifetimesSummary(purchases, { end: '1998-06-30' })).toMatchObject({
      frequency: 0,
      recency: 0,
      T: 534,
    });
    expect(classicRfm(purchases, { end: '1998-06-30' })).toMatchObject({
      frequency: 1,
      recency: 534,
      monetaryValue: 8900,
    });
  });

  test('customer 3: six purchase days, three of them in the holdout', () => {
    const purchases = master.get('3') ?? [];
    expect(lifetimesSummary(purchases, { end: '1997-09-30' })).toEqual({
      frequency: 2,
      recency: 90,
      T: 271,
      monetaryValue: 2015,
      repeatSpend: 4030,
    });
    expect(lifetimesSummary(purchases, { end: '1998-06-30' })).toMatchObject({
      frequency: 5,
      recency: 511,
      T: 544,
    });
    expect(lifetimesSummary(purchases, { end: '1998-06-30' })?.monetaryValue).toBeCloseTo(2714, 9);
    expect(calibrationAndHoldout(purchases, calibration)).toMatchObject({
      frequencyHoldout: 3,
      monetaryValueHoldout: 3180,
      durationHoldout: 273,
    });
    const rfm = classicRfm(purchases, { end: '1998-06-30' });
    expect(rfm).toMatchObject({ frequency: 6, recency: 33, totalSpend: 15646 });
    expect(rfm?.monetaryValue).toBeCloseTo(2607.66666666667, 9);
  });

  test('customer 4: the repeat mean 22.345 is kept exact (Fader–Hardie rounds it to 22.35)', () => {
    const purchases = [
      { day: '1997-01-01', amount: 2933 },
      { day: '1997-01-18', amount: 2973 },
      { day: '1997-08-02', amount: 1496 },
      { day: '1997-12-12', amount: 2648 },
    ];
    expect(lifetimesSummary(purchases, { end: '1997-09-30' })).toEqual({
      frequency: 2,
      recency: 213,
      T: 272,
      monetaryValue: 2234.5,
      repeatSpend: 4469,
    });
    expect(lifetimesSummary(purchases, { end: '1998-06-30' })).toMatchObject({
      frequency: 3,
      recency: 345,
      T: 545,
    });
    expect(calibrationAndHoldout(purchases, calibration)).toMatchObject({
      frequencyHoldout: 1,
      monetaryValueHoldout: 2648,
      durationHoldout: 273,
    });
    expect(classicRfm(purchases, { end: '1998-06-30' })).toEqual({
      frequency: 4,
      recency: 200,
      monetaryValue: 2512.5,
      totalSpend: 10050,
    });
  });

  test('purchases after the end are ignored; nothing by the end means no row', () => {
    const purchases = [{ day: '1998-01-05', amount: 100 }];
    expect(lifetimesSummary(purchases, { end: '1997-09-30' })).toBeNull();
    expect(classicRfm(purchases, { end: '1997-09-30' })).toBeNull();
    expect(calibrationAndHoldout(purchases, calibration)).toBeNull();
  });

  test('malformed input is refused rather than guessed at', () => {
    expect(() => lifetimesSummary([{ day: '1997-02-30', amount: 1 }], { end: '1997-09-30' })).toThrow(
      RangeError,
    );
    expect(() => lifetimesSummary([{ day: '19970101', amount: 1 }], { end: '1997-09-30' })).toThrow(
      RangeError,
    );
    expect(() => lifetimesSummary([{ day: '1997-01-01', amount: 11.77 }], { end: '1997-09-30' })).toThrow(
      RangeError,
    );
  });
});
