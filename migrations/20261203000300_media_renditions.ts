import type { Knex } from 'knex';

/**
 * The media service's read model (issue 14 item 3): per asset, the last
 * request for browse renditions and whether it was answered; per asset and
 * kind, the last rendition made or failed. One statement per `knex.raw`:
 * knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table rm_media_requests (
    asset_id text primary key,
    requested_at timestamptz not null,
    requested_version integer not null,
    answered boolean not null default false,
    last_position bigint not null
  )`);
  await knex.raw(
    'create index rm_media_requests_owed_idx on rm_media_requests (requested_at, asset_id) where not answered',
  );
  await knex.raw(`create table rm_renditions (
    asset_id text not null,
    kind text not null,
    state text not null,
    path text,
    media_type text,
    size_bytes bigint,
    sha256 text,
    width integer,
    height integer,
    bit_rate bigint,
    duration_seconds double precision,
    reason text,
    made_at timestamptz not null,
    last_position bigint not null,
    primary key (asset_id, kind)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_renditions');
  await knex.raw('drop table if exists rm_media_requests');
}
