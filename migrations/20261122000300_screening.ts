import type { Knex } from 'knex';

/**
 * Screening's additions to the assets read model: why a stage is waiting
 * (an engine unreachable), and indexes for the keyset-paged asset and quarantine listings.
 * One statement per `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table rm_assets add column deferred jsonb');
  await knex.raw('create index rm_assets_state_created_idx on rm_assets (state, created_at, asset_id)');
  await knex.raw('create index rm_assets_created_idx on rm_assets (created_at, asset_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists rm_assets_created_idx');
  await knex.raw('drop index if exists rm_assets_state_created_idx');
  await knex.raw('alter table rm_assets drop column if exists deferred');
}
