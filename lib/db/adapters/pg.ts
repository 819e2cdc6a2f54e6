import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { UnavailableError } from '../../errors';
import type { Sql } from '../sql';

export interface PgSqlOptions {
  connectionString: string;
  /** Pool size. @default 20 */
  max?: number;
  /** ms to wait for a connection before failing. @default 5000 */
  connectionTimeoutMillis?: number;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P03',
  '3D000',
  '28P01',
]);

/** Hides the password in messages: postgres://user:***@host/db. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function wrap(err: unknown, url: string): unknown {
  const code = (err as { code?: string }).code;
  if (code && CONNECTION_CODES.has(code)) return new UnavailableError(`PostgreSQL at ${redact(url)}`, err);
  if (err instanceof Error && /Connection terminated|timeout exceeded when trying to connect/.test(err.message)) {
    return new UnavailableError(`PostgreSQL at ${redact(url)}`, err);
  }
  return err;
}

function clientSql(client: PoolClient, url: string, base: Pick<Sql, 'kind' | 'listen' | 'close'>): Sql {
  const sql: Sql = {
    ...base,
    async query<R>(text: string, params?: unknown[]) {
      try {
        return (await client.query(text, params as unknown[])).rows as R[];
      } catch (err) {
        throw wrap(err, url);
      }
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      await client.query('begin');
      try {
        const result = await fn(sql);
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      }
    },
    session: (fn) => fn(sql),
  };
  return sql;
}

/** node-postgres adapter of the SQL port (the production profile). */
export function createPgSql(options: PgSqlOptions): Sql & { connectionString: string } {
  const url = options.connectionString;
  const config: PoolConfig = {
    connectionString: url,
    max: options.max ?? 20,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
  };
  const pool = new Pool(config);
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);

  async function withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw wrap(err, url);
    }
    let broken = false;
    try {
      return await fn(client);
    } catch (err) {
      broken = err instanceof UnavailableError;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  const base = {
    kind: 'postgres' as const,
    listen: listenOn,
    close: () => pool.end(),
  };

  async function listenOn(channel: string, onNotify: (payload: string) => void) {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw wrap(err, url);
    }
    const handler = (msg: { channel: string; payload?: string }) => {
      if (msg.channel === channel) onNotify(msg.payload ?? '');
    };
    client.on('notification', handler);
    client.on('error', () => undefined);
    await client.query(`listen "${channel.replace(/"/g, '')}"`);
    return async () => {
      client.off('notification', handler);
      await client.query(`unlisten "${channel.replace(/"/g, '')}"`).catch(() => undefined);
      client.release();
    };
  }

  return {
    ...base,
    connectionString: url,
    async query<R>(text: string, params?: unknown[]) {
      try {
        return (await pool.query(text, params as unknown[])).rows as R[];
      } catch (err) {
        throw wrap(err, url);
      }
    },
    transaction: (fn) => withClient((c) => clientSql(c, url, base).transaction(fn)),
    session: (fn) => withClient((c) => fn(clientSql(c, url, base))),
  };
}
