import type { Knex } from 'knex';

/**
 * Group commit: `mx_append_batch` appends to several streams in one
 * statement and one transaction, each item with its own expected version,
 * and answers each item on its own (a conflict or an idempotency clash of
 * one item fails that item only, nothing of it is written, and the others
 * are). The event store sends the appends that arrive while one is in
 * flight as one batch, so a busy hub pays one round trip and one commit for
 * many appends (on PGlite one append costs some 0.8 ms, ten events in one
 * append 1.5 ms: docs/benchmarks.md).
 *
 * One implementation: `mx_append_rows` is the body `mx_append` had (checks,
 * hash chain, positions from a given base), and it reports a failed check
 * as a row rather than by raising, so a batch needs no subtransaction per
 * item. `mx_append` keeps its signature, its errors (MX001, MX002, MX003)
 * and its behaviour, as a wrapper of it.
 *
 * Ordering: every stream's advisory lock is taken first, in one order
 * (sorted by key, so two batches never wait on each other in a cycle), and
 * before the transaction gets its id, exactly as one append does; the
 * items' events then take consecutive positions under that one id, in item
 * order. Two items of one stream run in turn, the second seeing the first.
 */
const APPEND_ROWS = `
create function mx_append_rows(p_stream text, p_expected bigint, p_events jsonb, p_pos bigint)
returns table (r_event_id uuid, r_version integer, r_position text, r_duplicate boolean,
               r_error text, r_message text, r_detail text)
language plpgsql as $fn$
declare
  v_n integer := jsonb_array_length(p_events);
  v_existing integer;
  v_matching integer;
  v_first_bad text;
  v_current integer;
  v_hash text;
  v_prev text;
  v_pos bigint;
  v_version integer;
  e jsonb;
begin
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
        select m.event_id, m.version, m.position::text, true, null::text, null::text, null::text
          from mx_events m
         where m.event_id in (select (x->>'id')::uuid from jsonb_array_elements(p_events) x)
         order by m.position;
      return;
    end if;
    r_error := 'MX002';
    r_message := coalesce(v_first_bad, (select min(x->>'id') from jsonb_array_elements(p_events) x
                                          join mx_events m on m.event_id = (x->>'id')::uuid));
    r_detail := case when v_first_bad is null then 'only some events of this append'
                     else 'with a different stream, type or data' end;
    return next;
    return;
  end if;

  select s.version, s.last_hash into v_current, v_hash from mx_streams s where s.stream_id = p_stream;
  v_current := coalesce(v_current, 0);
  v_hash := coalesce(v_hash, '');
  if (p_expected = -1 and v_current <> 0) or (p_expected >= 0 and p_expected <> v_current) then
    r_error := 'MX001';
    r_message := v_current::text;
    return next;
    return;
  end if;

  -- The first write of the transaction takes its id here, after the stream's lock (see the header).
  v_pos := coalesce(p_pos, pg_current_xact_id()::text::bigint << 20);

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
$fn$`;

const APPEND = `
create or replace function mx_append(p_stream text, p_expected bigint, p_events jsonb)
returns table (r_event_id uuid, r_version integer, r_position text, r_duplicate boolean)
language plpgsql as $fn$
declare
  r record;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception using errcode = 'MX003',
      message = 'mx_append must be the first write of its transaction (stream order relies on it)';
  end if;
  perform pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  -- The id is taken only when the checks pass: mx_append_rows reads before it writes.
  for r in select * from mx_append_rows(p_stream, p_expected, p_events, null) loop
    if r.r_error is not null then
      raise exception using errcode = r.r_error, message = r.r_message, detail = coalesce(r.r_detail, '');
    end if;
    r_event_id := r.r_event_id; r_version := r.r_version; r_position := r.r_position; r_duplicate := r.r_duplicate;
    return next;
  end loop;
end
$fn$`;

const APPEND_BATCH = `
create function mx_append_batch(p_items jsonb)
returns table (r_item integer, r_event_id uuid, r_version integer, r_position text, r_duplicate boolean,
               r_error text, r_message text, r_detail text)
language plpgsql as $fn$
declare
  v_pos bigint;
  v_item integer := 0;
  v_last text;
  item jsonb;
  r record;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception using errcode = 'MX003',
      message = 'mx_append_batch must be the first write of its transaction (stream order relies on it)';
  end if;
  perform pg_advisory_xact_lock(k)
     from (select distinct hashtextextended(i->>'stream', 0) as k from jsonb_array_elements(p_items) i) keys
    order by k;
  for item in select value from jsonb_array_elements(p_items) loop
    v_last := null;
    for r in select * from mx_append_rows(item->>'stream', (item->>'expected')::bigint, item->'events', v_pos) loop
      r_item := v_item; r_event_id := r.r_event_id; r_version := r.r_version; r_position := r.r_position;
      r_duplicate := r.r_duplicate; r_error := r.r_error; r_message := r.r_message; r_detail := r.r_detail;
      if r.r_error is null and not r.r_duplicate then v_last := r.r_position; end if;
      return next;
    end loop;
    if v_last is not null then v_pos := v_last::bigint + 1; end if;
    v_item := v_item + 1;
  end loop;
end
$fn$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(APPEND_ROWS);
  await knex.raw(APPEND);
  await knex.raw(APPEND_BATCH);
}

/** Takes the batch away; `mx_append` stays the wrapper, which behaves as the original did. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists mx_append_batch(jsonb)');
}
