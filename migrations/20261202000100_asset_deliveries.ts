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
  // The assets projection's checkpoint is already past the transfer events of a database that ran before this
  // migration: its transfers are taken from the transfers read model once, and its cleared assets moved on.
  await knex.raw(`insert into rm_asset_transfers (transfer_id, asset_id, target_network, state, path, updated_at, last_position)
    select transfer_id, asset_id, target_network,
           case when state in ('succeeded', 'failed', 'cancelled') then state else 'queued' end,
           case when state = 'succeeded' then path end, updated_at, last_position
      from rm_transfers`);
  await knex.raw(`update rm_assets a set state = o.state from (
      select asset_id, case
          when bool_or(not delivered and not lost) then 'cleared'
          when bool_and(delivered) then 'delivered'
          when bool_or(delivered) then 'partially-delivered'
          else 'delivery-failed' end as state
        from (select t.asset_id, t.target,
                     coalesce(bool_or(x.state = 'succeeded'), false) as delivered,
                     coalesce(bool_and(x.state in ('failed', 'cancelled')), false) as lost
                from (select asset_id, jsonb_array_elements_text(targets) as target from rm_assets
                       where state = 'cleared'
                      union
                      select asset_id, target_network from rm_asset_transfers) t
                left join rm_asset_transfers x on x.asset_id = t.asset_id and x.target_network = t.target
               group by t.asset_id, t.target) per_target
       group by asset_id) o
    where a.asset_id = o.asset_id and a.state = 'cleared'`);
  await knex.raw('create index rm_timeline_stream_position_idx on rm_timeline (stream_id, position)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists rm_timeline_stream_position_idx');
  await knex.raw('drop table if exists rm_asset_transfers');
}
