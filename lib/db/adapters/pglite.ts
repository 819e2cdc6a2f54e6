import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from '../sql';

export interface PGliteSqlOptions {
  /** Data directory; omitted for an in-memory database (tests). */
  dataDir?: string;
}

type Queryable = Pick<PGlite | Transaction, 'query'>;

async function run<R>(db: Queryable, text: string, params?: unknown[]): Promise<R[]> {
  return (await db.query<R>(text, params as unknown[])).rows;
}

/**
 * PGlite adapter of the SQL port (the embedded profile): PostgreSQL compiled
 * to WASM, in-process. It has one session, so transactions run one at a time
 * and a nested `transaction` inside one joins it.
 */
export async function createPGliteSql(options: PGliteSqlOptions = {}): Promise<Sql & { db: PGlite }> {
  const db = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await db.waitReady;

  const txSql = (tx: Transaction): Sql => {
    const sql: Sql = {
      kind: 'pglite',
      query: (text, params) => run(tx, text, params),
      transaction: (fn) => fn(sql),
      session: (fn) => fn(sql),
      listen: (channel, onNotify) => listen(channel, onNotify),
      close: async () => undefined,
    };
    return sql;
  };

  async function listen(channel: string, onNotify: (payload: string) => void) {
    const unlisten = await db.listen(channel, onNotify);
    return async () => {
      await unlisten();
    };
  }

  const sql: Sql & { db: PGlite } = {
    kind: 'pglite',
    db,
    query: (text, params) => run(db, text, params),
    transaction: (fn) => db.transaction((tx) => fn(txSql(tx))),
    session: (fn) => fn(sql),
    listen,
    close: () => db.close(),
  };
  return sql;
}
