import { businessDay } from './calendar-day.ts';
import type { ScoringClock } from './scores.queries.ts';

/**
 * The clock scores are read against. Between full runs a customer is rescored against the cut-offs
 * of the last run, so recency is weighed as of that run (`asOf`) — otherwise the one rescored
 * customer would look a little staler than everyone the cut-offs were taken from — while active
 * days count up to today, so that today's message shows in the tags and scores at once.
 */
export function scoringClock(timeZone: string, now: Date, runAsOf: Date = now): ScoringClock {
  return { asOf: runAsOf, today: businessDay(now, timeZone), timeZone };
}
