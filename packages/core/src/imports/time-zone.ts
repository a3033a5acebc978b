/**
 * Wall-clock time in a named time zone → an instant, written as ISO 8601 with the zone's offset.
 *
 * Exports write local times without an offset (Beijing time for every platform we read). The
 * offset comes from the platform's Intl time-zone data, so workspaces in zones with summer time
 * work too; it is cached per zone and local hour because an import asks for millions of them.
 */

export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const hourOffsets = new Map<string, number>();
const MAX_CACHED_HOURS = 100_000;

/**
 * `2026-06-19T10:00:00+08:00`: the wall time as written, with the offset in force then. In the
 * hour a summer-time change skips or repeats, either neighbouring offset is taken; both name a
 * real instant.
 */
export function wallTimeToIso(wall: WallTime, timeZone: string): string {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
    wall.millisecond,
  );
  const digits = new Date(asUtc).toISOString().slice(0, wall.millisecond === 0 ? 19 : 23);
  return `${digits}${formatOffset(offsetMinutesAt(wall, asUtc, timeZone))}`;
}

function offsetMinutesAt(wall: WallTime, asUtc: number, timeZone: string): number {
  const key = `${timeZone} ${wall.year}-${wall.month}-${wall.day} ${wall.hour}`;
  const cached = hourOffsets.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const hourStart = asUtc - (wall.minute * 60 + wall.second) * 1000 - wall.millisecond;
  const atStart = offsetForWallClock(hourStart, timeZone);
  const atEnd = offsetForWallClock(hourStart + 3_599_999, timeZone);
  if (atStart !== atEnd) {
    // Summer time starts or ends within this hour: no single answer to cache.
    return offsetForWallClock(asUtc, timeZone);
  }
  if (hourOffsets.size >= MAX_CACHED_HOURS) {
    hourOffsets.clear();
  }
  hourOffsets.set(key, atStart);
  return atStart;
}

/** Offset in force at the wall-clock time `asUtc` (a local time read as if it were UTC). */
function offsetForWallClock(asUtc: number, timeZone: string): number {
  // Guess with the offset at the same instant in UTC, then correct once: exact except in the
  // hour a clock change skips or repeats.
  const guess = offsetAtInstant(asUtc, timeZone);
  return offsetAtInstant(asUtc - guess * 60_000, timeZone);
}

function offsetAtInstant(instant: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant))) {
    parts[part.type] = Number(part.value);
  }
  const wallMs = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return Math.round((wallMs - wholeSecond) / 60_000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
