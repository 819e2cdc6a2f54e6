import type { Knex } from 'knex';

/**
 * Picks and usage marks (issue 14 item 5) as read models: the picks a user
 * lists, every mark (by hand, fetch, download or pick send) the asset's list
 * and the usage report read, and each asset's name and networks, which the
 * report groups by and scopes on. One statement per `knex.raw`: knex-pglite
 * runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table rm_picks (
    pick_id text primary key,
    owner text not null,
    name text not null,
    items integer not null default 0,
    sends integer not null default 0,
    last_sent_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null,
    last_position bigint not null
  )`);
  await knex.raw('create index rm_picks_owner_idx on rm_picks (owner, created_at, pick_id)');
  await knex.raw('create index rm_picks_created_idx on rm_picks (created_at, pick_id)');
  await knex.raw(`create table rm_usage_marks (
    mark_id text primary key,
    asset_id text not null,
    kind text not null check (kind in ('hand', 'fetch', 'download', 'pick')),
    actor text not null,
    department text,
    program text,
    where_used text,
    note text,
    network text,
    source_event_id text not null,
    created_at timestamptz not null,
    position bigint not null
  )`);
  await knex.raw('create index rm_usage_marks_asset_idx on rm_usage_marks (asset_id, created_at, mark_id)');
  await knex.raw('create index rm_usage_marks_created_idx on rm_usage_marks (created_at)');
  await knex.raw('create index rm_usage_marks_source_idx on rm_usage_marks (source_event_id)');
  await knex.raw(`create table rm_usage_assets (
    asset_id text primary key,
    original_name text not null,
    source_network text not null
  )`);
  await knex.raw(`create table rm_usage_asset_networks (
    asset_id text not null,
    network text not null,
    primary key (asset_id, network)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_usage_asset_networks');
  await knex.raw('drop table if exists rm_usage_assets');
  await knex.raw('drop table if exists rm_usage_marks');
  await knex.raw('drop table if exists rm_picks');
}
