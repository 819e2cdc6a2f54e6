import type { Knex } from 'knex';

/**
 * Transfer history (who, how long, how fast, what failed) and the admin
 * controls of networks and lanes as read models. One statement per
 * `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  for (const statement of [
    'alter table rm_transfers add column source_network text',
    'alter table rm_transfers add column sha256 text',
    'alter table rm_transfers add column path text',
    'alter table rm_transfers add column duration_ms bigint',
    'alter table rm_transfers add column last_actor text',
    'alter table rm_transfers add column channel text',
    'create index rm_transfers_created_idx on rm_transfers (created_at, transfer_id)',
    `create table rm_networks (
      network text primary key,
      paused boolean not null default false,
      reason text,
      bandwidth_mbps double precision,
      updated_at timestamptz not null,
      last_position bigint not null
    )`,
    `create table rm_lanes (
      lane text primary key,
      channels integer,
      bandwidth_mbps double precision,
      updated_at timestamptz not null,
      last_position bigint not null
    )`,
  ]) {
    await knex.raw(statement);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_lanes, rm_networks');
  await knex.raw('drop index if exists rm_transfers_created_idx');
  for (const column of ['channel', 'last_actor', 'duration_ms', 'path', 'sha256', 'source_network']) {
    await knex.raw(`alter table rm_transfers drop column if exists ${column}`);
  }
}
