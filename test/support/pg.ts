import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPgSql } from '../../lib/db/adapters/pg';
import { createPGliteSql } from '../../lib/db/adapters/pglite';
import type { Sql } from '../../lib/db/sql';
import { migrateLatest } from '../../migrations/run';

/** Server the integration tier uses; database `test` must exist (trust auth). */
export const TEST_PG_URL = process.env.MXHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, randomly named database per test file (style guide, rule 7). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `mx_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = TEST_PG_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  return {
    url,
    async drop() {
      const c = new Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestSql {
  sql: Sql;
  /** Opens another independent connection pool on the same database (postgres only). */
  connectionString?: string;
  dispose(): Promise<void>;
}

/** A migrated database of the given kind, ready for a store. */
export async function createTestSql(kind: 'postgres' | 'pglite'): Promise<TestSql> {
  if (kind === 'pglite') {
    const sql = await createPGliteSql();
    await migrateLatest(sql);
    return { sql, dispose: () => sql.close() };
  }
  const db = await createTestDatabase();
  const sql = createPgSql({ connectionString: db.url });
  await migrateLatest(sql);
  return {
    sql,
    connectionString: db.url,
    async dispose() {
      await sql.close();
      await db.drop();
    },
  };
}
