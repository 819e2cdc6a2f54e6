import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from '../lib/db/sql';
import * as eventStore from './20261122000100_event_store';
import * as readModels from './20261122000200_read_models';
import * as screening from './20261122000300_screening';
import * as transfers from './20261122000400_transfers';
import * as appendOnlyLog from './20261122000500_append_only_log';
import * as assetDeliveries from './20261202000100_asset_deliveries';
import * as storeReplicas from './20261202000200_store_replicas';
import * as storeLinks from './20261202000300_store_links';
import * as subscriptions from './20261202000400_subscriptions';
import * as assetRefusals from './20261203000100_asset_refusals';
import * as mediaRenditions from './20261203000300_media_renditions';
import * as catalog from './20261203000400_catalog';
import * as usage from './20261203000500_usage';
import * as users from './20261204000100_users';
import * as filmstripTiles from './20261205000100_filmstrip_tiles';
import * as appendBatch from './20261206000100_append_batch';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, in order. Listed here rather than loaded from disk so it runs the same under tsx, jest and a build. */
export const MIGRATIONS: Array<[string, Migration]> = [
  ['20261122000100_event_store', eventStore],
  ['20261122000200_read_models', readModels],
  ['20261122000300_screening', screening],
  ['20261122000400_transfers', transfers],
  ['20261122000500_append_only_log', appendOnlyLog],
  ['20261202000100_asset_deliveries', assetDeliveries],
  ['20261202000200_store_replicas', storeReplicas],
  ['20261202000300_store_links', storeLinks],
  ['20261202000400_subscriptions', subscriptions],
  ['20261203000100_asset_refusals', assetRefusals],
  ['20261203000300_media_renditions', mediaRenditions],
  ['20261203000400_catalog', catalog],
  ['20261203000500_usage', usage],
  ['20261204000100_users', users],
  ['20261205000100_filmstrip_tiles', filmstripTiles],
  ['20261206000100_append_batch', appendBatch],
];

const source: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

/** Sql adapters carry what knex needs to open its own connection to the same database. */
type MigratableSql = Sql & { connectionString?: string; db?: PGlite };

function knexFor(sql: MigratableSql): Knex {
  if (sql.kind === 'pglite') {
    if (!sql.db) throw new Error('PGlite Sql has no db handle');
    const db = sql.db;
    // knex-pglite closes the PGlite instance when knex is destroyed; the
    // instance belongs to our Sql, so knex gets a view whose close is a no-op.
    const shared = new Proxy(db, {
      get(target, prop) {
        if (prop === 'close') return async () => undefined;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: () => ({ pglite: shared }) as object,
      useNullAsDefault: true,
    });
  }
  if (!sql.connectionString) throw new Error('PostgreSQL Sql has no connection string');
  return knexFactory({
    client: 'pg',
    connection: sql.connectionString,
    pool: { min: 0, max: 1 },
  });
}

/** Whether knex's log of applied migrations is exactly MIGRATIONS (false when there is no log yet). */
async function upToDate(sql: Sql): Promise<boolean> {
  const applied = await sql.query<{ name: string }>('select name from knex_migrations order by id').catch(() => []);
  return applied.length === MIGRATIONS.length && applied.every(({ name }, i) => name === MIGRATIONS[i]![0]);
}

/**
 * Applies every pending migration (knex's lock table keeps two starting processes apart).
 * Every start calls it (and /health/ready, pendingMigrations): a schema already current is
 * told by one query, without knex's table checks and lock (some 400 ms of an embedded start).
 */
export async function migrateLatest(sql: MigratableSql): Promise<string[]> {
  if (await upToDate(sql)) return [];
  const knex = knexFor(sql);
  try {
    const [, applied] = (await knex.migrate.latest({
      migrationSource: source,
    })) as [number, string[]];
    return applied;
  } finally {
    await knex.destroy();
  }
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(sql: MigratableSql): Promise<string[]> {
  if (await upToDate(sql)) return [];
  const knex = knexFor(sql);
  try {
    const [, pending] = (await knex.migrate.list({
      migrationSource: source,
    })) as [unknown[], Array<[string, Migration]>];
    return pending.map(([name]) => name);
  } finally {
    await knex.destroy();
  }
}
