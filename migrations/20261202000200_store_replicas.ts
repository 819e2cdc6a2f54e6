import type { Knex } from 'knex';

/**
 * The store's read model (issue 13): every replica of every asset, with its
 * kind, state and last verification and read, and the few asset facts the
 * store serves by (name, size, hash, whether it may be read). `rm_replicas`
 * was one row per asset and network written by the assets projection; it is
 * made again, keyed by path too (an origin and a cached copy may share a
 * node), and the store's projection, whose checkpoint starts at zero, fills
 * it from the whole log. One statement per `knex.raw`: knex-pglite runs each
 * as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_replicas');
  await knex.raw(`create table rm_replicas (
    asset_id text not null,
    network text not null,
    path text not null,
    kind text not null,
    sha256 text not null,
    size_bytes bigint,
    state text not null default 'ok',
    stored_at timestamptz not null,
    verified_at timestamptz,
    last_read_at timestamptz,
    last_position bigint not null,
    primary key (asset_id, network, path)
  )`);
  await knex.raw('create index rm_replicas_network_idx on rm_replicas (network, state)');
  await knex.raw(`create table rm_store_assets (
    asset_id text primary key,
    source_network text not null,
    original_name text not null,
    size_bytes bigint not null,
    sha256 text,
    staged_path text,
    status text not null,
    last_position bigint not null
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_store_assets');
  await knex.raw('drop table if exists rm_replicas');
  await knex.raw(`create table rm_replicas (
    asset_id text not null,
    network text not null,
    path text not null,
    sha256 text not null,
    stored_at timestamptz not null,
    last_position bigint not null,
    primary key (asset_id, network)
  )`);
  await knex.raw("delete from mx_checkpoints where name = 'projection:store'");
}
