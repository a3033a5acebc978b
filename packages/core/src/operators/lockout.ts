/** Lockout rules: after this many failed logins in a row the operator is locked for a while. */
export const LOCKOUT = Object.freeze({ failures: 5, minutes: 15 });

/** Sessions last a working day; logging out ends them sooner. */
export const SESSION_HOURS = 12;

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

export function lockedUntilAfter(now: Date): Date {
  return new Date(now.getTime() + LOCKOUT.minutes * 60_000);
}

export function sessionExpiry(now: Date): Date {
  return new Date(now.getTime() + SESSION_HOURS * 3_600_000);
}
