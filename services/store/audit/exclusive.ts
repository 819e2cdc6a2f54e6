import { createHash } from 'node:crypto';
import type { Sql } from '../../../lib/db/sql';

/** A stable signed 64-bit advisory lock key from a name. */
const lockKey = (name: string) => createHash('sha256').update(name).digest().readBigInt64BE(0).toString();

/**
 * Runs `fn` only while this session holds the PostgreSQL advisory lock named
 * `name`, so of the hub processes sharing a database one runs a background
 * round (an audit re-hashing the same files twice, or two evictors deleting
 * for the same watermark, would be waste or worse) and the others skip it.
 * Resolves with `fn`'s result, or undefined when another process holds it.
 */
export async function exclusively<T>(sql: Sql, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  const key = lockKey(`mxhub:${name}`);
  return sql.session(async (session) => {
    const [row] = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [key]);
    if (!row?.locked) return undefined;
    try {
      return await fn();
    } finally {
      await session.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  });
}
