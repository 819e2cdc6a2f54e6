import type { Pool } from 'pg';
import { RAW_TABLE } from './raw-baseline';

// The same shape and size as workload.ts's events, built in SQL so that seeding takes seconds.
const DATA = `jsonb_build_object('assetId', 'seed' || g, 'sourceNetwork', 'news', 'targets', jsonb_build_array('broadcast'),
  'originalName', 'clip-' || g || '.mxf', 'sizeBytes', 1000000 + g)`;
const METADATA = `jsonb_build_object('correlationId', 'corr-' || g, 'causationId', 'bench', 'actor', 'service:bench',
  'occurredAt', '2026-11-22T10:00:00.000Z')`;
const HASH = `encode(sha256(convert_to(g::text, 'UTF8')), 'hex')`;

/**
 * Gives both tables a history of `events` rows before anything is measured,
 * as a hub that has been running has: plans and index depths are then those
 * of a real log rather than of an empty table. The store's seed sits at
 * positions 1..n, below every position mx_append hands out (transaction id
 * << 20); the baseline's sits far above its own counter.
 */
export async function seedHistory(pool: Pool, events: number): Promise<void> {
  if (events === 0) return;
  const columns = 'position, event_id, stream_id, version, type, schema_version, data, metadata, prev_hash, hash';
  const rows = (position: string) =>
    `select ${position}, gen_random_uuid(), 'asset-seed' || g, 1, 'AssetDetected', 1, ${DATA}, ${METADATA}, '', ${HASH}
       from generate_series(1, $1::int) g`;
  await pool.query(`insert into mx_events (${columns}) ${rows('g')}`, [events]);
  await pool.query(
    `insert into mx_streams (stream_id, version, last_hash, last_position)
     select 'asset-seed' || g, 1, ${HASH}, g from generate_series(1, $1::int) g`,
    [events],
  );
  await pool.query(`insert into ${RAW_TABLE} (${columns}) ${rows('1000000000000000 + g')}`, [events]);
  await pool.query(`analyze mx_events, mx_streams, ${RAW_TABLE}`);
}
