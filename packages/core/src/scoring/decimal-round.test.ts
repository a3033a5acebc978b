import { describe, expect, test } from 'vitest';
import { epochDay, formatEpochDay, pandasWeekStart } from './calendar-day.ts';
import { divideRoundHalfUp, formatHundredths, parseHundredths } from './decimal-round.ts';

describe('divideRoundHalfUp (Python Decimal ROUND_HALF_UP on integers)', () => {
  test('ties go away from zero, everything else to the nearest integer', () => {
    expect(divideRoundHalfUp(44_690, 20)).toBe(2235); // zbar of sample customer 1: 22.345 → 22.35
    expect(divideRoundHalfUp(5, 10)).toBe(1);
    expect(divideRoundHalfUp(4, 10)).toBe(0);
    expect(divideRoundHalfUp(-5, 10)).toBe(-1); // a net refund rounds like Decimal does
    expect(divideRoundHalfUp(-4, 10)).toBe(0);
    expect(divideRoundHalfUp(213 * 100, 7)).toBe(3043); // 30.428571… weeks
    expect(divideRoundHalfUp(Number.MAX_SAFE_INTEGER, 2)).toBe(2 ** 52);
  });

  test('refuses what it cannot do exactly', () => {
    expect(() => divideRoundHalfUp(1.5, 2)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(1, 0)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(2 ** 53, 3)).toThrow(RangeError);
  });
});

describe('hundredths as text', () => {
  test('format and parse are exact inverses', () => {
    for (const [n, text] of [
      [0, '0.00'],
      [5, '0.05'],
      [-5, '-0.05'],
      [3043, '30.43'],
      [22_714, '227.14'],
    ] as const) {
      expect(formatHundredths(n)).toBe(text);
      expect(parseHundredths(text)).toBe(n);
    }
    expect(parseHundredths('0')).toBe(0);
    expect(parseHundredths('-0')).toBe(0);
    expect(parseHundredths('1.7')).toBe(170);
    expect(() => parseHundredths('1.234')).toThrow(RangeError);
    expect(() => parseHundredths('1e3')).toThrow(RangeError);
  });
});

describe('calendar days', () => {
  test('epoch days round-trip and impossible dates are refused', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('1998-06-30') - epochDay('1997-09-30')).toBe(273);
    expect(formatEpochDay(epochDay('2024-02-29'))).toBe('2024-02-29');
    expect(() => epochDay('2023-02-29')).toThrow(RangeError);
    expect(() => epochDay('1997-1-1')).toThrow(RangeError);
  });

  test('pandas W-SUN periods start on Monday and end on Sunday', () => {
    const start = (day: string) => formatEpochDay(pandasWeekStart(epochDay(day)));
    expect(start('2015-01-01')).toBe('2014-12-29'); // the example in cdnow/SOURCE.md
    expect(start('2015-01-04')).toBe('2014-12-29'); // Sunday closes the week
    expect(start('2015-01-05')).toBe('2015-01-05');
    expect(start('1969-12-31')).toBe('1969-12-29'); // before the epoch too
  });
});
