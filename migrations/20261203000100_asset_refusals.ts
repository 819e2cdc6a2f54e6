import type { Knex } from 'knex';

/**
 * Threat is not format (issue 14 item 1): the assets read model keeps the
 * targets whose acceptance policy refused an asset (`[{target, rule, reason,
 * at}]`) and those that get a rendition (`[{target, profile}]`), for
 * `GET /v1/assets/{id}` and for the delivery state, which leaves refused
 * targets out. Assets screened before this held neither: empty lists.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table rm_assets add column refused jsonb not null default '[]'::jsonb`);
  await knex.raw(`alter table rm_assets add column renditions jsonb not null default '[]'::jsonb`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table rm_assets drop column if exists renditions');
  await knex.raw('alter table rm_assets drop column if exists refused');
}
