import { describe, expect, test } from 'vitest';
import { businessDay, epochDay, startOfBusinessDay } from './calendar-day.ts';

describe('startOfBusinessDay', () => {
  test('is midnight in the zone, and the instant before it is the day before', () => {
    const cases: [string, string, string][] = [
      ['2026-11-20', 'Asia/Shanghai', '2026-11-19T16:00:00.000Z'],
      ['2026-11-20', 'UTC', '2026-11-20T00:00:00.000Z'],
      ['2026-03-29', 'Europe/London', '2026-03-29T00:00:00.000Z'],
      // São Paulo's clocks jumped from 00:00 to 01:00 that day: the day began at 01:00 local.
      ['2018-11-04', 'America/Sao_Paulo', '2018-11-04T03:00:00.000Z'],
      ['2026-01-01', 'Pacific/Kiritimati', '2025-12-31T10:00:00.000Z'],
    ];
    for (const [day, zone, start] of cases) {
      const at = startOfBusinessDay(epochDay(day), zone);
      expect(at.toISOString(), `${day} ${zone}`).toBe(start);
      expect(businessDay(at, zone)).toBe(epochDay(day));
      expect(businessDay(new Date(at.getTime() - 1), zone)).toBe(epochDay(day) - 1);
    }
  });
});
