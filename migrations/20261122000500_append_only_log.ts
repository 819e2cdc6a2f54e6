import type { Knex } from 'knex';

/**
 * The log is append-only in the database itself: a statement trigger on
 * `mx_events` and `mx_log_checkpoints` raises (SQLSTATE MX004) on UPDATE,
 * DELETE and TRUNCATE, whoever runs them, so no query of the hub (nor one
 * injected into it) can rewrite or shorten the log. Inserts stay allowed.
 *
 * Who can still get past it: a superuser, with
 * `set session_replication_role = replica` (ordinary triggers do not fire)
 * or `alter table ... disable trigger`; and the tables' owner, which may
 * disable or drop its triggers too. Run the hub as a role that owns neither
 * table for the strict guarantee. Whoever gets past it is what the exported
 * checkpoints are for: every signed checkpoint is also written outside the
 * database (the anchors file, the `checkpoints` topic), and `mxhub verify`
 * fails when the database lacks one of them or its log is shorter.
 *
 * One statement per `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  for (const statement of [
    `create function mx_refuse_change() returns trigger language plpgsql as $fn$
    begin
      raise exception using errcode = 'MX004',
        message = format('%s is append-only: %s refused', tg_table_name, tg_op),
        hint = 'the signed log cannot be changed; see migration 20261122000500_append_only_log';
    end
    $fn$`,
    `create trigger mx_events_append_only before update or delete or truncate on mx_events
       for each statement execute function mx_refuse_change()`,
    `create trigger mx_log_checkpoints_append_only before update or delete or truncate on mx_log_checkpoints
       for each statement execute function mx_refuse_change()`,
  ]) {
    await knex.raw(statement);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists mx_log_checkpoints_append_only on mx_log_checkpoints');
  await knex.raw('drop trigger if exists mx_events_append_only on mx_events');
  await knex.raw('drop function if exists mx_refuse_change()');
}
