import type { Knex } from 'knex';

/**
 * Subscriptions (issue 13 item 6) as a read model, and the cleared assets a
 * backfill walks (when each was cleared). One statement per
 * `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table rm_subscriptions (
    subscription_id text primary key,
    network text not null,
    rule jsonb not null,
    enabled boolean not null,
    matches integer not null default 0,
    last_matched_at timestamptz,
    created_by text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null,
    last_position bigint not null
  )`);
  await knex.raw('create index rm_subscriptions_created_idx on rm_subscriptions (created_at, subscription_id)');
  await knex.raw(`create table rm_cleared_assets (
    asset_id text primary key,
    cleared_at timestamptz not null,
    last_position bigint not null
  )`);
  await knex.raw('create index rm_cleared_assets_cleared_idx on rm_cleared_assets (cleared_at, asset_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_cleared_assets');
  await knex.raw('drop table if exists rm_subscriptions');
}
