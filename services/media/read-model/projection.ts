import type { AssetEvent } from '../../../events/catalog/asset-events';
import type { MediaEvent } from '../../../events/catalog/media-events';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

type Handled = MediaEvent | Extract<AssetEvent, { type: 'AssetCleared' }>;

async function request(tx: Sql, e: Stored<Handled>): Promise<void> {
  await tx.query(
    `insert into rm_media_requests (asset_id, requested_at, requested_version, answered, last_position)
     values ($1, $2, $3, false, $4)
     on conflict (asset_id) do update set requested_at = excluded.requested_at,
       requested_version = excluded.requested_version, answered = false, last_position = excluded.last_position
      where rm_media_requests.last_position < excluded.last_position`,
    [e.data.assetId, at(e), e.version, e.position.toString()],
  );
}

async function answer(tx: Sql, e: Stored<Handled>): Promise<void> {
  await tx.query(
    `update rm_media_requests set answered = true, last_position = $2 where asset_id = $1 and last_position < $2`,
    [e.data.assetId, e.position.toString()],
  );
}

/**
 * Browse renditions as the routes serve them: per asset and kind the last
 * one made (where, what, its hash) or why it failed; and per asset its last
 * request and whether it was answered, which the sweep at start walks. The
 * results of one request are appended together, after it.
 */
export const mediaProjection = defineProjection<Handled>({
  name: 'media',
  tables: [
    { name: 'rm_media_requests', key: ['asset_id'] },
    { name: 'rm_renditions', key: ['asset_id', 'kind'] },
  ],
  handles: ['AssetCleared', 'ProxyRequested', 'ProxyCreated', 'ProxyFailed'],
  async apply(tx, e) {
    switch (e.type) {
      case 'AssetCleared':
      case 'ProxyRequested':
        return request(tx, e);
      case 'ProxyCreated': {
        const d = e.data;
        await tx.query(
          `insert into rm_renditions (asset_id, kind, state, path, media_type, size_bytes, sha256, width, height,
                                      bit_rate, duration_seconds, tiles, reason, made_at, last_position)
           values ($1, $2, 'created', $3, $4, $5, $6, $7, $8, $9, $10, $13::jsonb, null, $11, $12)
           on conflict (asset_id, kind) do update set state = 'created', path = excluded.path,
             media_type = excluded.media_type, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
             width = excluded.width, height = excluded.height, bit_rate = excluded.bit_rate,
             duration_seconds = excluded.duration_seconds, tiles = excluded.tiles, reason = null,
             made_at = excluded.made_at,
             last_position = excluded.last_position
            where rm_renditions.last_position < excluded.last_position`,
          [
            d.assetId,
            d.kind,
            d.path,
            d.mediaType,
            d.sizeBytes,
            d.sha256,
            d.width ?? null,
            d.height ?? null,
            d.bitRate ?? null,
            d.durationSeconds ?? null,
            at(e),
            e.position.toString(),
            d.tiles ? JSON.stringify(d.tiles) : null,
          ],
        );
        return answer(tx, e);
      }
      case 'ProxyFailed':
        // The older file of the kind is void (the service removed it): the row keeps only why.
        await tx.query(
          `insert into rm_renditions (asset_id, kind, state, reason, made_at, last_position)
           values ($1, $2, 'failed', $3, $4, $5)
           on conflict (asset_id, kind) do update set state = 'failed', path = null, media_type = null,
             size_bytes = null, sha256 = null, width = null, height = null, bit_rate = null, duration_seconds = null,
             tiles = null,
             reason = excluded.reason, made_at = excluded.made_at, last_position = excluded.last_position
            where rm_renditions.last_position < excluded.last_position`,
          [e.data.assetId, e.data.kind, e.data.reason, at(e), e.position.toString()],
        );
        return answer(tx, e);
    }
  },
});
