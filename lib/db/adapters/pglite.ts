import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lockDirectory, type DirectoryLock } from '../../dir-lock';
import { HubError } from '../../errors';
import type { Sql } from '../sql';

export interface PGliteSqlOptions {
  /** Data directory; omitted for an in-memory database (tests). */
  dataDir?: string;
  /**
   * A closed PGlite data directory to start a new `dataDir` from, copied in
   * instead of running initdb; asked for only when `dataDir` holds no database
   * yet. Undefined from it means initdb as usual. @default none: initdb
   */
  template?: () => Promise<string | undefined>;
}

type Queryable = Pick<PGlite | Transaction, 'query'>;

/** Extensions the migrations create (pg_trgm: the catalog's substring search); each open must load them. */
const OPTIONS: PGliteOptions = { extensions: { pg_trgm } };

async function run<R>(db: Queryable, text: string, params?: unknown[]): Promise<R[]> {
  return (await db.query<R>(text, params as unknown[])).rows;
}

/**
 * Copies a template database into `dir` (locked by the caller). PG_VERSION,
 * which PGlite takes as "a database is here", goes last: a copy cut short
 * leaves a directory that is copied again at the next start.
 */
function copyTemplate(from: string, dir: string): void {
  for (const name of readdirSync(from))
    if (name !== 'PG_VERSION') cpSync(join(from, name), join(dir, name), { recursive: true, force: true });
  copyFileSync(join(from, 'PG_VERSION'), join(dir, 'PG_VERSION'));
}

/**
 * Opens PGlite on `dir` under an exclusive lock on it: two PGlite instances
 * writing one directory damage it beyond opening, and PGlite itself does not
 * guard against that. A directory that does not open (PGlite aborts on a
 * damaged one) is named in the error, not left as a bare WASM abort.
 */
async function openOnDisk(
  dataDir: string,
  template: PGliteSqlOptions['template'],
): Promise<{ db: PGlite; lock: DirectoryLock }> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = await lockDirectory(dir, 'the embedded database');
  try {
    const from = template && !existsSync(join(dir, 'PG_VERSION')) ? await template() : undefined;
    if (from) copyTemplate(from, dir);
  } catch (err) {
    await lock.release();
    throw err;
  }
  try {
    const db = new PGlite(dir, OPTIONS);
    await db.waitReady;
    return { db, lock };
  } catch (err) {
    await lock.release();
    const cause = err instanceof Error ? err.message : String(err);
    throw new HubError(
      'MXHUB_ERR_STORE_DAMAGED',
      `the embedded database in ${dir} cannot be opened (PGlite: ${cause}); it is damaged or not a database ` +
        'directory: restore it from a backup',
      500,
      false,
      { dataDir: dir },
    );
  }
}

/**
 * PGlite adapter of the SQL port (the embedded profile): PostgreSQL compiled
 * to WASM, in-process. It has one session, so transactions run one at a time
 * and a nested `transaction` inside one joins it. On disk it holds an
 * exclusive lock on its directory until `close` (or this process's end).
 */
export async function createPGliteSql(options: PGliteSqlOptions = {}): Promise<Sql & { db: PGlite }> {
  const { db, lock } = options.dataDir
    ? await openOnDisk(options.dataDir, options.template)
    : { db: new PGlite(OPTIONS), lock: undefined };
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
    async close() {
      try {
        await db.close();
      } finally {
        await lock?.release();
      }
    },
  };
  return sql;
}
