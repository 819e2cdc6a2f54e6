import type { Sql } from '../../lib/db/sql';

/**
 * Runs `fn` in one transaction with `session_replication_role = replica`:
 * what a superuser does to get past the append-only triggers of `mx_events`
 * and `mx_log_checkpoints` (migration 20261122000500). Tests that tamper with
 * the log on purpose go through here, as an attacker with that power would.
 */
export function asSuperuser<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    return fn(tx);
  });
}

/** One tampering statement, past the triggers. */
export function tamper<R = Record<string, unknown>>(sql: Sql, text: string, params?: unknown[]): Promise<R[]> {
  return asSuperuser(sql, (tx) => tx.query<R>(text, params));
}

/**
 * Recomputes the hash chain of `streamId` from its first event on, and its
 * head in `mx_streams`: after an edit, the stream's own chain holds again and
 * only the signed checkpoints (and their exported copies) still tell.
 */
export function rehashStream(sql: Sql, streamId: string): Promise<void> {
  return asSuperuser(sql, async (tx) => {
    const rows = await tx.query<{ event_id: string; position: string }>(
      'select event_id, position::text as position from mx_events where stream_id = $1 order by version',
      [streamId],
    );
    let prev = '';
    for (const r of rows) {
      const [{ hash } = { hash: '' }] = await tx.query<{ hash: string }>(
        `update mx_events set prev_hash = $2,
                hash = mx_event_hash($2, event_id::text, stream_id, version, type, schema_version, data, metadata)
          where event_id = $1 returning hash`,
        [r.event_id, prev],
      );
      prev = hash;
    }
    await tx.query('update mx_streams set last_hash = $2 where stream_id = $1', [streamId, prev]);
  });
}

/**
 * Cuts the log after `position`: its events and the checkpoints over them go,
 * and `mx_streams` is fixed to the surviving heads, so every stream's chain
 * and every remaining checkpoint still hold.
 */
export function cutLogAfter(sql: Sql, position: bigint): Promise<void> {
  return asSuperuser(sql, async (tx) => {
    const at = [position.toString()];
    await tx.query('delete from mx_log_checkpoints where position > $1', at);
    await tx.query('delete from mx_events where position > $1', at);
    await tx.query(
      `delete from mx_streams s where not exists (select 1 from mx_events e where e.stream_id = s.stream_id)`,
    );
    await tx.query(
      `update mx_streams s set version = e.version, last_hash = e.hash, last_position = e.position
         from (select distinct on (stream_id) stream_id, version, hash, position
                 from mx_events order by stream_id, version desc) e
        where e.stream_id = s.stream_id`,
    );
  });
}
