/**
 * Fader & Hardie's published CDNOW calibration summary (oracle A of cdnow/SOURCE.md), reproduced
 * exactly for all 2,357 sample customers, with the two tempting mistakes SOURCE.md names shown to fail;
 * and the same sample in weeks against R BTYDplus `elog2cbs` and BTYD's weekly tracking numbers.
 */
import { describe, expect, test } from 'vitest';
import { epochDay } from './calendar-day.ts';
import { type CdnowRow, readCsv, readSample } from './cdnow.fixtures.ts';
import { formatHundredths, parseHundredths } from './decimal-round.ts';
import {
  calibrationAndHoldout,
  classicRfm,
  type FaderHardieSummary,
  faderHardieSummary,
  mergeSameDay,
} from './purchase-summary.ts';

const SAMPLE_CUSTOMERS = 2357;
const CALIBRATION_END = '1997-09-30';
const sample = readSample();

function summary(rows: readonly CdnowRow[]): FaderHardieSummary {
  const s = faderHardieSummary(rows, { calibrationEnd: CALIBRATION_END });
  if (s === null) {
    throw new Error('every sample customer bought in the calibration period');
  }
  return s;
}

/** Customers whose figure differs from the published file, per column; exact integer comparison. */
function disagreements(
  summarise: (rows: readonly CdnowRow[]) => FaderHardieSummary,
): Record<string, string[]> {
  const found: Record<string, string[]> = { x: [], t_x: [], T: [], zbar: [] };
  const published = readCsv('cdnow_customers_summary_with_transactions.csv');
  expect(published).toHaveLength(SAMPLE_CUSTOMERS);
  for (const row of published) {
    const id = row.ID ?? '';
    const s = summarise(sample.get(id) ?? []);
    const actual = { x: s.x * 100, t_x: s.tXHundredths, T: s.THundredths, zbar: s.zbar };
    for (const column of ['x', 't_x', 'T', 'zbar'] as const) {
      if (actual[column] !== parseHundredths(row[column] ?? '')) {
        found[column]?.push(id);
      }
    }
  }
  return found;
}

const nothing = { x: [], t_x: [], T: [], zbar: [] };

describe('Fader–Hardie calibration summary of the CDNOW sample', () => {
  test('all 2,357 customers match cdnow_customers_summary_with_transactions.csv exactly', () => {
    expect(sample.size).toBe(SAMPLE_CUSTOMERS);
    expect(disagreements(summary)).toEqual(nothing);
  });

  test('worked values: ids 1, 2, 3, 26, 61 and Σx = 2,457', () => {
    const shown = (id: string) => {
      const s = summary(sample.get(id) ?? []);
      return [
        s.x,
        formatHundredths(s.tXHundredths),
        formatHundredths(s.THundredths),
        formatHundredths(s.zbar),
      ];
    };
    expect(shown('1')).toEqual([2, '30.43', '38.86', '22.35']); // 22.345 rounds up
    expect(shown('2')).toEqual([1, '1.71', '38.86', '11.77']);
    expect(shown('3')).toEqual([0, '0.00', '38.86', '0.00']);
    expect(shown('26')).toEqual([1, '1.57', '38.71', '227.14']); // $166.89 + $60.25 on 01-13 are one purchase
    expect(shown('61')).toEqual([4, '29.43', '38.43', '53.40']);
    expect([...sample.values()].reduce((n, rows) => n + summary(rows).x, 0)).toBe(2457);
  });

  test('the same figures from cdnow_customers_summary.csv (ID, frequency, recency, T)', () => {
    const wrong = readCsv('cdnow_customers_summary.csv').filter((row) => {
      const s = summary(sample.get(row.ID ?? '') ?? []);
      return (
        s.x !== Number(row.frequency) ||
        s.tXHundredths !== parseHundredths(row.recency ?? '') ||
        s.THundredths !== parseHundredths(row.T ?? '')
      );
    });
    expect(wrong).toEqual([]);
  });

  test('negative: counting rows instead of purchase days gives a different x for 80 customers', () => {
    const countingRows = (rows: readonly CdnowRow[]) => ({
      ...summary(rows),
      x: rows.filter((r) => r.day <= CALIBRATION_END).length - 1,
    });
    const found = disagreements(countingRows);
    expect(found.x).toHaveLength(80);
    expect(found.x).toContain('26');
  });

  test("negative: rounding the binary float like Python's round(x, 2) changes 69 zbar values", () => {
    const floatRounding = (rows: readonly CdnowRow[]) => {
      // pandas: per-day sums and their mean in float64 dollars, then round(zbar, 2).
      const perDay = new Map<string, number>();
      for (const r of rows.filter((row) => row.day <= CALIBRATION_END)) {
        perDay.set(r.day, (perDay.get(r.day) ?? 0) + Number.parseFloat(r.dollars));
      }
      const repeat = [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(1);
      const mean = repeat.length === 0 ? 0 : repeat.reduce((sum, [, v]) => sum + v, 0) / repeat.length;
      return { ...summary(rows), zbar: pythonRound2(mean) };
    };
    const found = disagreements(floatRounding);
    expect(found.zbar).toHaveLength(69);
    expect({ ...found, zbar: [] }).toEqual(nothing);
  });
});

/**
 * Python's round(x, 2) on a float, in hundredths: correctly rounded from the exact binary value (which
 * toFixed also does), with exact binary ties (multiples of 1/8 such as 0.125) going to the even digit.
 */
function pythonRound2(x: number): number {
  if (Number.isInteger(x * 8) && Math.abs((x * 1000) % 10) === 5) {
    const down = Math.floor(x * 100);
    return down % 2 === 0 ? down : down + 1;
  }
  return parseHundredths(x.toFixed(2));
}

describe('the CDNOW sample in weeks (days ÷ 7), against R BTYD / BTYDplus', () => {
  test('all 2,357 customers agree with BTYDplus elog2cbs (T.cal 1997-09-30, T.tot 1998-06-30)', () => {
    const oracle = readCsv('oracle/btydplus_elog2cbs_cdnowsample_cal19970930_tot19980630_weeks.csv');
    expect(oracle).toHaveLength(SAMPLE_CUSTOMERS);
    const found = oracle.flatMap((row) => {
      const rows = sample.get(row.cust ?? '') ?? [];
      const c = calibrationAndHoldout(rows, {
        calibrationEnd: CALIBRATION_END,
        observationEnd: '1998-06-30',
        unit: 'weeks',
      });
      const all = classicRfm(
        rows.filter((r) => r.day <= CALIBRATION_END),
        { end: CALIBRATION_END },
      );
      if (c === null || all === null) {
        return [`${row.cust}: no summary`];
      }
      const actual: Record<string, number> = {
        x: c.frequencyCal,
        't.x': c.recencyCal,
        'T.cal': c.TCal,
        'T.star': c.durationHoldout,
        'x.star': c.frequencyHoldout,
        sales: all.totalSpend / 100,
        'sales.x': c.repeatSpendCal / 100,
        'sales.star': c.spendHoldout / 100,
      };
      return Object.entries(actual)
        .filter(([column, value]) => Math.abs(value - Number(row[column])) > 1e-9 * Math.abs(value))
        .map(([column, value]) => `${row.cust}.${column}: ${value} ≠ ${row[column]}`);
    });
    expect(found).toEqual([]);
  });

  test("BTYD's cumulative weekly repeat transactions, all 78 weeks", () => {
    const start = epochDay('1997-01-01');
    const perWeek = new Array<number>(78).fill(0);
    for (const rows of sample.values()) {
      for (const day of mergeSameDay(rows).slice(1)) {
        const week = Math.floor((epochDay(day.day) - start) / 7);
        perWeek[week] = (perWeek[week] ?? 0) + 1;
      }
    }
    let cumulative = 0;
    const actual = perWeek.map((n) => {
      cumulative += n;
      return cumulative;
    });
    const oracle = readCsv('oracle/btyd_cdnowSummary_cu_tracking.csv').map((r) =>
      Number(r.cumulative_repeat_transactions),
    );
    expect(actual).toEqual(oracle);
    expect(actual.slice(19, 25)).toEqual([1359, 1414, 1484, 1517, 1573, 1672]);
  });
});
