import { createHash } from 'node:crypto';
import type { Session } from 'fastify';
import type { SessionStore } from '@fastify/session';
import type { Sql } from '../../lib/db/sql';

/** `auth.session`: a session ends after `idleMinutes` without a request, and `absoluteHours` after login in any case. */
export interface SessionConfig {
  /** @default 30 */
  idleMinutes: number;
  /** @default 12 */
  absoluteHours: number;
}

export const DEFAULT_SESSION: SessionConfig = { idleMinutes: 30, absoluteHours: 12 };

const digest = (sessionId: string) => createHash('sha256').update(sessionId, 'utf8').digest('hex');

/**
 * @fastify/session's store in `user_sessions`. The table holds the SHA-256
 * of each session id, never the id: a copy of the table opens no session.
 * Reading a session is one indexed statement that also checks both timeouts
 * and touches `last_seen_at` (the idle clock), so it costs one query per request.
 * Only logged-in sessions are stored (`saveUninitialized: false`).
 */
export function createSessionStore(
  sql: Sql,
  config: SessionConfig,
  clock: () => Date = () => new Date(),
): SessionStore {
  const call = <T>(work: Promise<T>, callback: (err?: unknown, value?: T) => void) => {
    work.then(
      (v) => callback(undefined, v),
      (err: unknown) => callback(err),
    );
  };
  return {
    set(sessionId, session, callback) {
      const now = clock();
      const data = session as Session & { userId?: string };
      call(
        (async () => {
          if (!data.userId) return;
          await sql.query(
            `insert into user_sessions (sid_sha256, user_id, data, created_at, last_seen_at, expires_at)
             values ($1, $2, $3, $4, $4, $5)
             on conflict (sid_sha256) do update set data = excluded.data, last_seen_at = excluded.last_seen_at`,
            [
              digest(sessionId),
              data.userId,
              JSON.stringify(session),
              now.toISOString(),
              new Date(now.getTime() + config.absoluteHours * 3_600_000).toISOString(),
            ],
          );
        })(),
        callback,
      );
    },
    get(sessionId, callback) {
      const now = clock();
      call(
        (async () => {
          const [row] = await sql.query<{ data: string }>(
            `update user_sessions set last_seen_at = $2
              where sid_sha256 = $1 and expires_at > $2 and last_seen_at > $3
              returning data`,
            [digest(sessionId), now.toISOString(), new Date(now.getTime() - config.idleMinutes * 60_000).toISOString()],
          );
          if (row) return JSON.parse(row.data) as Session;
          await sql.query('delete from user_sessions where sid_sha256 = $1', [digest(sessionId)]);
          return null;
        })(),
        callback as (err?: unknown, value?: Session | null) => void,
      );
    },
    destroy(sessionId, callback) {
      call(
        sql.query('delete from user_sessions where sid_sha256 = $1', [digest(sessionId)]).then(() => undefined),
        callback,
      );
    },
  };
}

/** Sessions that ran out (idle or absolute): dropped now and then, since `get` only drops the one it is asked for. */
export async function pruneSessions(sql: Sql, config: SessionConfig, now: Date): Promise<void> {
  await sql.query('delete from user_sessions where expires_at <= $1 or last_seen_at <= $2', [
    now.toISOString(),
    new Date(now.getTime() - config.idleMinutes * 60_000).toISOString(),
  ]);
}
