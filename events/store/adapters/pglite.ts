import type { Sql } from '../../../lib/db/sql';
import type { EventStore } from '../event-store';
import { createSqlEventStore, type SqlEventStoreOptions } from '../sql-event-store';

/** The embedded event store: PGlite in-process, the same SQL as PostgreSQL. */
export function createPGliteEventStore(sql: Sql, options: SqlEventStoreOptions = {}): EventStore {
  if (sql.kind !== 'pglite') throw new Error(`createPGliteEventStore needs a pglite Sql, got ${sql.kind}`);
  return createSqlEventStore(sql, options);
}
