import { createHash } from 'node:crypto';
import type { Sql } from '../../lib/db/sql';
import { HubError } from '../../lib/errors';
import { lockedFor, recordFailure, type FailureCounter, type LockoutConfig } from './domain/lockout';

/** 429: too many failed logins for this username or address; `retryAfterSeconds` says when to try again. */
export class LockedOutError extends HubError {
  constructor(readonly retryAfterSeconds: number) {
    super('MXHUB_ERR_LOCKED_OUT', `too many failed logins; try again in ${retryAfterSeconds} s`, 429, true, {
      retryAfterSeconds,
    });
  }
}

/** Counter keys: the username is hashed so the table does not list guessed names (or mistyped passwords). */
export const usernameKey = (username: string) => `user:${sha16(username)}`;
export const addressKey = (address: string) => `addr:${address}`;
export const sha16 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 16);

interface Row {
  failures: number;
  window_start: string | Date;
  locked_until: string | Date | null;
}

/**
 * Failure counters in the database (`login_failures`), so a lock holds
 * across restarts and for every hub on one database. Each update runs in a
 * transaction with the row locked (`for update`): two hubs counting the same
 * burst of guesses add up instead of overwriting each other.
 */
export function createLoginFailures(sql: Sql, config: LockoutConfig) {
  async function read(db: Sql, key: string, lock: boolean): Promise<FailureCounter | undefined> {
    const [row] = await db.query<Row>(
      `select failures, window_start, locked_until from login_failures where key = $1${lock ? ' for update' : ''}`,
      [key],
    );
    if (!row) return undefined;
    return {
      failures: row.failures,
      windowStart: new Date(row.window_start),
      ...(row.locked_until ? { lockedUntil: new Date(row.locked_until) } : {}),
    };
  }

  return {
    /** Seconds the longest lock of these keys still holds at `now`, 0 when none. */
    async lockedFor(keys: readonly string[], now: Date): Promise<number> {
      let seconds = 0;
      for (const key of keys) seconds = Math.max(seconds, lockedFor(await read(sql, key, false), now));
      return seconds;
    },
    /** Counts one failure on each key; returns the keys that became locked by it. */
    async record(keys: ReadonlyArray<{ key: string; max: number }>, now: Date): Promise<string[]> {
      const locked: string[] = [];
      for (const { key, max } of keys) {
        await sql.transaction(async (tx) => {
          await tx.query(
            `insert into login_failures (key, failures, window_start) values ($1, 0, $2) on conflict (key) do nothing`,
            [key, now.toISOString()],
          );
          const current = await read(tx, key, true);
          const next = recordFailure(
            current?.failures === 0 && !current.lockedUntil ? undefined : current,
            now,
            max,
            config,
          );
          if (next.lockedNow) locked.push(key);
          await tx.query(
            'update login_failures set failures = $2, window_start = $3, locked_until = $4 where key = $1',
            [
              key,
              next.counter.failures,
              next.counter.windowStart.toISOString(),
              next.counter.lockedUntil?.toISOString() ?? null,
            ],
          );
        });
      }
      return locked;
    },
    /** A successful login clears its username's count (not the address's: one good password does not excuse a spray). */
    async clear(key: string): Promise<void> {
      await sql.query('delete from login_failures where key = $1', [key]);
    },
  };
}

export type LoginFailures = ReturnType<typeof createLoginFailures>;
