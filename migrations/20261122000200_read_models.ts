import type { Knex } from 'knex';

/**
 * Read models: projections of the event log, rebuildable by `mxhub replay`.
 * `last_position` on each row lets a handler skip an event it has applied
 * already, so a re-delivered event changes nothing.
 */
export async function up(knex: Knex): Promise<void> {
  for (const statement of [
    `    create table rm_assets (
      asset_id text primary key,
      state text not null,
      source_network text,
      targets jsonb not null default '[]',
      original_name text,
      size_bytes bigint,
      sha256 text,
      verdicts jsonb not null default '[]',
      technical jsonb,
      sidecar jsonb,
      quarantine jsonb,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null,
      last_position bigint not null
    )
    `,
    `    create index rm_assets_state_idx on rm_assets (state)
    `,
    `    create table rm_transfers (
      transfer_id text primary key,
      asset_id text not null,
      target_network text not null,
      state text not null,
      lane text not null,
      priority integer not null,
      step text,
      bytes_total bigint,
      bytes_done bigint not null default 0,
      attempts integer not null default 0,
      error text,
      requested_by text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      version integer not null,
      last_position bigint not null
    )
    `,
    `    create index rm_transfers_state_idx on rm_transfers (state, lane, priority)
    `,
    `    create index rm_transfers_asset_idx on rm_transfers (asset_id)
    `,
    `    create table rm_replicas (
      asset_id text not null,
      network text not null,
      path text not null,
      sha256 text not null,
      stored_at timestamptz not null,
      last_position bigint not null,
      primary key (asset_id, network)
    )
    `,
    `    create table rm_timeline (
      stream_id text not null,
      version integer not null,
      position bigint not null,
      event_id uuid not null,
      type text not null,
      actor text not null,
      correlation_id text not null,
      occurred_at timestamptz not null,
      summary text not null,
      primary key (stream_id, version)
    )
    `,
  ]) {
    await knex.raw(statement);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_timeline, rm_replicas, rm_transfers, rm_assets');
}
