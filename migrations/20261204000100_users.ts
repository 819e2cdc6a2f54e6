import type { Knex } from 'knex';

/**
 * Users (issue 15 item 1). `users` is the user aggregate's state as the
 * guard reads it on every request (one lookup by id or username); the
 * commands write it in the transaction after their append, so a role change
 * or a disable holds from the next request. `user_credentials` holds the
 * argon2id hash, which no event carries (the log goes to Kafka).
 * `user_sessions` keys sessions by the SHA-256 of their id, `user_tokens`
 * personal tokens by the SHA-256 of the token: a leaked table opens nothing.
 * `login_failures` counts failures per username and per address, so a
 * lockout holds across hub restarts and between hubs on one database.
 * One statement per `knex.raw`: knex-pglite runs each as a prepared statement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table users (
    user_id text primary key,
    username text not null unique,
    role text not null check (role in ('admin', 'operator', 'auditor', 'viewer', 'connector')),
    network text,
    networks text,
    can_download boolean not null,
    can_modify boolean not null,
    disabled boolean not null default false,
    created_at timestamptz not null,
    last_login_at timestamptz,
    version integer not null
  )`);
  await knex.raw('create index users_created_idx on users (created_at, user_id)');
  await knex.raw(`create table user_credentials (
    user_id text primary key references users (user_id) on delete cascade,
    password_hash text not null,
    changed_at timestamptz not null
  )`);
  await knex.raw(`create table user_sessions (
    sid_sha256 text primary key,
    user_id text not null references users (user_id) on delete cascade,
    data text not null,
    created_at timestamptz not null,
    last_seen_at timestamptz not null,
    expires_at timestamptz not null
  )`);
  await knex.raw('create index user_sessions_user_idx on user_sessions (user_id)');
  await knex.raw('create index user_sessions_expires_idx on user_sessions (expires_at)');
  await knex.raw(`create table user_tokens (
    token_id text primary key,
    user_id text not null references users (user_id) on delete cascade,
    name text not null,
    sha256 text not null unique,
    networks text,
    can_download boolean not null,
    can_modify boolean not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
  )`);
  await knex.raw('create index user_tokens_user_idx on user_tokens (user_id, created_at, token_id)');
  await knex.raw('create index user_tokens_created_idx on user_tokens (created_at, token_id)');
  await knex.raw(`create table login_failures (
    key text primary key,
    failures integer not null,
    window_start timestamptz not null,
    locked_until timestamptz
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists login_failures');
  await knex.raw('drop table if exists user_tokens');
  await knex.raw('drop table if exists user_sessions');
  await knex.raw('drop table if exists user_credentials');
  await knex.raw('drop table if exists users');
}
