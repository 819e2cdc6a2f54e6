import type { Knex } from 'knex';

/** A filmstrip's tiles as ProxyCreated records them (count, columns, rows, intervalSeconds); null for other kinds. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table rm_renditions add column tiles jsonb');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table rm_renditions drop column if exists tiles');
}
