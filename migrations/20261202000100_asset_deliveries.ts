import type { Knex } from 'knex';

/**
 * Where each asset went (issue 11 item 9): the assets read model follows the
 * transfers of each asset, one row per transfer, so an asset's state can say
 * delivered, partially delivered or delivery failed. One statement per
 * `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table rm_asset_transfers (
    transfer_id text primary key,
    asset_id text not null,
    target_network text not null,
    state text not null,
    path text,
    updated_at timestamptz not null,
    last_position bigint not null
  )`);
  await knex.raw('create index rm_asset_transfers_asset_idx on rm_asset_transfers (asset_id)');
  await knex.raw('create index rm_timeline_stream_position_idx on rm_timeline (stream_id, position)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists rm_timeline_stream_position_idx');
  await knex.raw('drop table if exists rm_asset_transfers');
}
