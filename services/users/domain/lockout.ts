/** `auth.lockout`: failures allowed per username and per client address within a window, and how long a lock holds. */
export interface LockoutConfig {
  /** @default 5 */
  maxFailures: number;
  /** @default 20 */
  perAddressMaxFailures: number;
  /** @default 900 */
  windowSeconds: number;
  /** @default 900 */
  lockSeconds: number;
}

export const DEFAULT_LOCKOUT: LockoutConfig = {
  maxFailures: 5,
  perAddressMaxFailures: 20,
  windowSeconds: 900,
  lockSeconds: 900,
};

/** One counter (a username's or an address's) as the database holds it. */
export interface FailureCounter {
  failures: number;
  windowStart: Date;
  lockedUntil?: Date;
}

/** Seconds until `counter` unlocks at `now` (rounded up), or 0 when it is not locked. */
export function lockedFor(counter: FailureCounter | undefined, now: Date): number {
  if (!counter?.lockedUntil) return 0;
  const ms = counter.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * The counter after one more failure at `now`: a window older than
 * `windowSeconds` starts again at 1; reaching `max` locks for `lockSeconds`
 * and starts a fresh window, so the lock is what stops guessing, not a
 * counter that grows for ever.
 */
export function recordFailure(
  counter: FailureCounter | undefined,
  now: Date,
  max: number,
  config: LockoutConfig,
): { counter: FailureCounter; lockedNow: boolean } {
  const expired = !counter || now.getTime() - counter.windowStart.getTime() >= config.windowSeconds * 1000;
  const failures = expired ? 1 : counter.failures + 1;
  const windowStart = expired ? now : counter.windowStart;
  if (failures >= max) {
    return {
      counter: { failures: 0, windowStart: now, lockedUntil: new Date(now.getTime() + config.lockSeconds * 1000) },
      lockedNow: true,
    };
  }
  const stillLocked = counter?.lockedUntil && counter.lockedUntil > now ? { lockedUntil: counter.lockedUntil } : {};
  return { counter: { failures, windowStart, ...stillLocked }, lockedNow: false };
}
