import type { Sql } from '../../../lib/db/sql';
import type { EventStore } from '../event-store';
import { createSqlEventStore, type SqlEventStoreOptions } from '../sql-event-store';

/** The production event store: PostgreSQL through node-postgres (`createPgSql`). */
export function createPostgresEventStore(sql: Sql, options: SqlEventStoreOptions = {}): EventStore {
  if (sql.kind !== 'postgres') throw new Error(`createPostgresEventStore needs a postgres Sql, got ${sql.kind}`);
  return createSqlEventStore(sql, options);
}
