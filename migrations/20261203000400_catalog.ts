import type { Knex } from 'knex';

/**
 * The catalog's read model (issue 14 item 4): one row per asset with what
 * search and the folder tree need. `search_text` is every searchable field,
 * normalised (NFKC, lower case) by the projection, under a pg_trgm GIN index
 * so a substring of any length of three characters or more is found through
 * the index, in Chinese as in Latin text (trigrams are of characters, not of
 * words split on spaces). A two-character string has no trigram: it is found
 * through `search_pairs`, the same text with each character doubled, where
 * it has two (see `paired` in services/catalog/read-model/entry.ts). One
 * character is matched by a scan, which gives the same answers.
 * One statement per `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw(`create table rm_catalog (
    asset_id text primary key,
    original_name text not null,
    source_network text not null,
    networks text[] not null,
    media_type text not null default 'other',
    state text not null,
    created_at timestamptz not null,
    cleared_at timestamptz,
    title text,
    programme text,
    metadata jsonb not null default '{}',
    technical jsonb,
    has_poster boolean not null default false,
    search_text text not null,
    search_pairs text not null,
    version integer not null,
    last_position bigint not null
  )`);
  await knex.raw('create index rm_catalog_search_idx on rm_catalog using gin (search_text gin_trgm_ops)');
  await knex.raw('create index rm_catalog_pairs_idx on rm_catalog using gin (search_pairs gin_trgm_ops)');
  await knex.raw('create index rm_catalog_networks_idx on rm_catalog using gin (networks)');
  await knex.raw('create index rm_catalog_created_idx on rm_catalog (created_at, asset_id)');
  await knex.raw('create index rm_catalog_programme_idx on rm_catalog (programme, created_at)');
  // Where the asset's copies are, so an eviction takes a network out only when its last copy there goes.
  await knex.raw(`create table rm_catalog_replicas (
    asset_id text not null,
    network text not null,
    path text not null,
    primary key (asset_id, network, path)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_catalog_replicas');
  await knex.raw('drop table if exists rm_catalog');
}
