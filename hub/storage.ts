import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPgSql, redact } from '../lib/db/adapters/pg';
import { createPGliteSql } from '../lib/db/adapters/pglite';
import type { Sql } from '../lib/db/sql';
import { UnavailableError } from '../lib/errors';
import { createPGliteEventStore } from '../events/store/adapters/pglite';
import { createPostgresEventStore } from '../events/store/adapters/postgres';
import type { EventStore } from '../events/store/event-store';
import { migrateLatest } from '../migrations/run';
import type { HubConfig } from './config';
import { ensurePGliteTemplate } from './pglite-template';

export interface Storage {
  sql: Sql;
  store: EventStore;
  close(): Promise<void>;
}

/**
 * Opens the event store of the profile (PostgreSQL, or PGlite in DIR/pg) and
 * brings its schema up to date. An unreachable server fails here, by name,
 * before anything else starts; so does an embedded database another process
 * holds (DIR/pg stays locked by the process that opened it until `close`).
 */
export async function openStorage(config: HubConfig): Promise<Storage> {
  let sql: Sql;
  let store: EventStore;
  if (config.profile === 'production') {
    const pg = createPgSql({ connectionString: config.databaseUrl! });
    try {
      await pg.query('select 1');
    } catch (err) {
      await pg.close().catch(() => undefined);
      throw err instanceof UnavailableError
        ? err
        : new UnavailableError(`PostgreSQL at ${redact(config.databaseUrl!)}`, err);
    }
    sql = pg;
    await migrateLatest(pg);
    store = createPostgresEventStore(sql);
  } else {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    // A new data directory starts as a copy of the migrated template instead of running initdb.
    const lite = await createPGliteSql({ dataDir: join(config.dataDir, 'pg'), template: ensurePGliteTemplate });
    sql = lite;
    await migrateLatest(lite);
    store = createPGliteEventStore(sql);
  }
  return {
    sql,
    store,
    async close() {
      await store.close();
      await sql.close();
    },
  };
}
