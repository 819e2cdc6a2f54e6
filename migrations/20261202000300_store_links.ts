import type { Knex } from 'knex';

/**
 * The store's links read model (issue 13 item 4): the measured throughput of
 * each (source network, target network) link, an EWMA of completed copies,
 * and per transfer what a sample needs until it completes (its link, when its
 * last start began, from which byte). One statement per `knex.raw`:
 * knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table rm_link_transfers (
    transfer_id text primary key,
    source_network text not null,
    target_network text not null,
    started_at timestamptz,
    resume_from bigint not null default 0,
    copied_bytes bigint,
    copy_ms double precision,
    last_position bigint not null
  )`);
  await knex.raw(`create table rm_links (
    source_network text not null,
    target_network text not null,
    bytes_per_second double precision not null,
    samples integer not null,
    last_bytes_per_second double precision not null,
    last_sample_at timestamptz not null,
    last_position bigint not null,
    primary key (source_network, target_network)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists rm_links');
  await knex.raw('drop table if exists rm_link_transfers');
  await knex.raw("delete from mx_checkpoints where name = 'projection:links'");
}
