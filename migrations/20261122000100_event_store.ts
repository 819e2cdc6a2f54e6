import type { Knex } from 'knex';

/**
 * The event store.
 *
 * Global position = (transaction id << 20) + index within the transaction.
 * A reader only returns positions below `pg_snapshot_xmin(...) << 20`, i.e.
 * from transactions that have all finished, so an append that commits late
 * can never land below a position some reader has already passed. Positions
 * are therefore strictly increasing in reading order but not dense.
 *
 * `mx_append` takes a transaction-scoped advisory lock on the stream BEFORE
 * the transaction gets its id, so successive appends to one stream get
 * increasing transaction ids and the global order keeps every stream's order.
 *
 * The hash of an event covers the previous hash of its stream and the jsonb
 * text of data and metadata: jsonb's text form is canonical, so the verifier
 * recomputes the same bytes from what it reads back.
 */
export async function up(knex: Knex): Promise<void> {
  for (const statement of [
    `    create table mx_events (
      position bigint primary key,
      event_id uuid not null unique,
      stream_id text not null,
      version integer not null,
      type text not null,
      schema_version integer not null,
      data jsonb not null,
      metadata jsonb not null,
      prev_hash text not null,
      hash text not null,
      recorded_at timestamptz not null default now(),
      unique (stream_id, version)
    )
    `,
    `    create index mx_events_type_idx on mx_events (type, position)
    `,
    `    create index mx_events_category_idx on mx_events ((split_part(stream_id, '-', 1)), position)
    `,
    `    create table mx_streams (
      stream_id text primary key,
      version integer not null,
      last_hash text not null,
      last_position bigint not null
    )
    `,
    `    create table mx_checkpoints (
      name text primary key,
      position bigint not null,
      updated_at timestamptz not null default now()
    )
    `,
    `    create table mx_consumed_events (
      consumer text not null,
      event_id uuid not null,
      consumed_at timestamptz not null default now(),
      primary key (consumer, event_id)
    )
    `,
    `    create table mx_log_checkpoints (
      seq bigserial primary key,
      position bigint not null unique,
      event_count bigint not null,
      digest text not null,
      prev_digest text not null,
      signature text not null,
      key_id text not null,
      created_at timestamptz not null default now()
    )
    `,
  ]) {
    await knex.raw(statement);
  }

  for (const statement of [
    `    create function mx_event_hash(p_prev text, p_id text, p_stream text, p_version integer, p_type text,
                                  p_schema_version integer, p_data jsonb, p_metadata jsonb)
    returns text language sql stable as $fn$
      select encode(sha256(convert_to(concat_ws('|', p_prev, p_id, p_stream, p_version::text, p_type,
             p_schema_version::text, p_data::text, p_metadata::text), 'UTF8')), 'hex')
    $fn$
    `,
    `    -- p_expected: -2 any, -1 no stream, n >= 0 exact version (0 = no stream too).
    create function mx_append(p_stream text, p_expected bigint, p_events jsonb)
    returns table (r_event_id uuid, r_version integer, r_position text, r_duplicate boolean)
    language plpgsql as $fn$
    declare
      v_n integer := jsonb_array_length(p_events);
      v_existing integer;
      v_matching integer;
      v_first_bad text;
      v_current integer;
      v_hash text;
      v_prev text;
      v_xid bigint;
      v_pos bigint;
      v_version integer;
      e jsonb;
    begin
      if pg_current_xact_id_if_assigned() is not null then
        raise exception using errcode = 'MX003',
          message = 'mx_append must be the first write of its transaction (stream order relies on it)';
      end if;
      perform pg_advisory_xact_lock(hashtextextended(p_stream, 0));

      select count(*)::int,
             count(*) filter (where m.stream_id = p_stream and m.type = x->>'type' and m.data = x->'data')::int,
             min(x->>'id') filter (where not (m.stream_id = p_stream and m.type = x->>'type' and m.data = x->'data'))
        into v_existing, v_matching, v_first_bad
        from jsonb_array_elements(p_events) x
        -- One index probe per id: a join may be planned as a scan of the
        -- whole log when statistics are stale (PGlite never analyses).
        cross join lateral (select m1.stream_id, m1.type, m1.data from mx_events m1
                             where m1.event_id = (x->>'id')::uuid limit 1) m;
      if v_existing > 0 then
        if v_existing = v_n and v_matching = v_n then
          return query
            select m.event_id, m.version, m.position::text, true
              from mx_events m
             where m.event_id in (select (x->>'id')::uuid from jsonb_array_elements(p_events) x)
             order by m.position;
          return;
        end if;
        raise exception using errcode = 'MX002',
          message = coalesce(v_first_bad, (select min(x->>'id') from jsonb_array_elements(p_events) x
                                              join mx_events m on m.event_id = (x->>'id')::uuid)),
          detail = case when v_first_bad is null then 'only some events of this append' else 'with a different stream, type or data' end;
      end if;

      select s.version, s.last_hash into v_current, v_hash from mx_streams s where s.stream_id = p_stream;
      v_current := coalesce(v_current, 0);
      v_hash := coalesce(v_hash, '');
      if (p_expected = -1 and v_current <> 0) or (p_expected >= 0 and p_expected <> v_current) then
        raise exception using errcode = 'MX001', message = v_current::text;
      end if;

      v_xid := pg_current_xact_id()::text::bigint;
      -- MX003 above guarantees this is the transaction's only append, so its positions start at xid << 20.
      v_pos := v_xid << 20;
      v_version := v_current;
      for e in select value from jsonb_array_elements(p_events) loop
        v_version := v_version + 1;
        v_prev := v_hash;
        v_hash := mx_event_hash(v_prev, e->>'id', p_stream, v_version, e->>'type',
                                (e->>'schemaVersion')::int, e->'data', e->'metadata');
        insert into mx_events (position, event_id, stream_id, version, type, schema_version, data, metadata, prev_hash, hash)
        values (v_pos, (e->>'id')::uuid, p_stream, v_version, e->>'type', (e->>'schemaVersion')::int,
                e->'data', e->'metadata', v_prev, v_hash);
        r_event_id := (e->>'id')::uuid; r_version := v_version; r_position := v_pos::text; r_duplicate := false;
        return next;
        v_pos := v_pos + 1;
      end loop;

      insert into mx_streams (stream_id, version, last_hash, last_position)
      values (p_stream, v_version, v_hash, v_pos - 1)
      on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash,
                                            last_position = excluded.last_position;
    end
    $fn$
    `,
    `    -- Highest position no reader can be overtaken at: everything below it is final.
    create function mx_safe_bound() returns bigint language sql stable as $fn$
      select pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20
    $fn$
    `,
  ]) {
    await knex.raw(statement);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const statement of [
    `    drop function if exists mx_safe_bound()
    `,
    `    drop function if exists mx_append(text, bigint, jsonb)
    `,
    `    drop function if exists mx_event_hash(text, text, text, integer, text, integer, jsonb, jsonb)
    `,
    `    drop table if exists mx_log_checkpoints, mx_consumed_events, mx_checkpoints, mx_streams, mx_events
    `,
  ]) {
    await knex.raw(statement);
  }
}
