import type { AssetEvent, ReplicaEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

type StoreEvent = AssetEvent | ReplicaEvent;

/** Moves an asset's status unless the row has seen this position already (idempotent). */
async function setStatus(tx: Sql, e: Stored<StoreEvent>, status: string): Promise<void> {
  await tx.query(
    `update rm_store_assets set status = $2, last_position = $3 where asset_id = $1 and last_position < $3`,
    [e.data.assetId, status, e.position.toString()],
  );
}

/**
 * An asset cleared before clearing recorded its origin copy (logs written
 * before the store) has one all the same: its claimed file, still in its
 * source node's staging. The `ReplicaStored` that follows `AssetCleared` in
 * newer logs names the same row, so this changes nothing there.
 */
async function originOfOldLog(tx: Sql, e: Stored<StoreEvent>): Promise<void> {
  await tx.query(
    `insert into rm_replicas (asset_id, network, path, kind, sha256, size_bytes, state, stored_at, verified_at,
                              last_position)
     select asset_id, source_network, staged_path, 'origin', sha256, size_bytes, 'ok', $2, $2, $3
       from rm_store_assets where asset_id = $1 and staged_path is not null and sha256 is not null
     on conflict (asset_id, network, path) do nothing`,
    [e.data.assetId, at(e), e.position.toString()],
  );
}

/** Updates one replica (by asset, network and path) unless it has seen this position already. */
async function setReplica(
  tx: Sql,
  e: Stored<Exclude<ReplicaEvent, { type: 'FetchRequested' | 'RepairRequested' }>>,
  set: string,
  params: unknown[] = [],
): Promise<void> {
  const { assetId, network, path } = e.data;
  await tx.query(
    `update rm_replicas set ${set}, last_position = $4
      where asset_id = $1 and network = $2 and path = $3 and last_position < $4`,
    [assetId, network, path, e.position.toString(), ...params],
  );
}

/**
 * The store's read model (writer): every replica of every asset with its
 * kind and state, and per asset what serving it needs (name, size, hash,
 * whether screening let it out). Replica events written before the store
 * carry no kind: those were all deliveries into an inbox, and their size is
 * the asset's.
 */
export const storeProjection = defineProjection<StoreEvent>({
  name: 'store',
  tables: [
    { name: 'rm_replicas', key: ['asset_id', 'network', 'path'] },
    { name: 'rm_store_assets', key: ['asset_id'] },
  ],
  handles: [
    'AssetDetected',
    'AssetIngested',
    'AssetCleared',
    'AssetQuarantined',
    'AssetReleased',
    'AssetDeleted',
    'ReplicaStored',
    'ReplicaVerified',
    'ReplicaMissing',
    'ReplicaTaken',
    'ReplicaCorrupt',
    'ReplicaRepaired',
    'ReplicaEvicted',
    'AssetRead',
  ],
  async apply(tx, e) {
    switch (e.type) {
      case 'AssetDetected': {
        const d = e.data;
        await tx.query(
          `insert into rm_store_assets (asset_id, source_network, original_name, size_bytes, status, last_position)
           values ($1, $2, $3, $4, 'screening', $5) on conflict (asset_id) do nothing`,
          [d.assetId, d.sourceNetwork, d.originalName, d.sizeBytes, e.position.toString()],
        );
        return;
      }
      case 'AssetIngested':
        await tx.query(
          `update rm_store_assets set sha256 = $2, size_bytes = $3, staged_path = $4, last_position = $5
            where asset_id = $1 and last_position < $5`,
          [e.data.assetId, e.data.sha256, e.data.sizeBytes, e.data.stagedPath, e.position.toString()],
        );
        return;
      case 'AssetCleared':
        await setStatus(tx, e, 'cleared');
        return originOfOldLog(tx, e);
      case 'AssetQuarantined':
        return setStatus(tx, e, 'quarantined');
      case 'AssetReleased':
        // An override is followed by AssetCleared in the same append; a rescreen screens again.
        return setStatus(tx, e, 'screening');
      case 'AssetDeleted':
        return setStatus(tx, e, 'deleted');
      case 'ReplicaStored': {
        const d = e.data;
        await tx.query(
          `insert into rm_replicas (asset_id, network, path, kind, sha256, size_bytes, state, stored_at, verified_at,
                                    last_position)
           values ($1, $2, $3, $4, $5,
                   coalesce($6::bigint, (select size_bytes from rm_store_assets where asset_id = $1)),
                   'ok', $7, $7, $8)
           on conflict (asset_id, network, path) do update set kind = excluded.kind, sha256 = excluded.sha256,
             size_bytes = excluded.size_bytes, state = 'ok', stored_at = excluded.stored_at,
             verified_at = excluded.verified_at, last_position = excluded.last_position
           where rm_replicas.last_position < excluded.last_position`,
          [
            d.assetId,
            d.network,
            d.path,
            d.kind ?? 'delivered',
            d.sha256,
            d.sizeBytes ?? null,
            at(e),
            e.position.toString(),
          ],
        );
        return;
      }
      case 'ReplicaVerified':
        return setReplica(tx, e, `state = 'ok', verified_at = $5`, [at(e)]);
      case 'ReplicaMissing':
        return setReplica(tx, e, `state = 'missing'`);
      case 'ReplicaTaken':
        return setReplica(tx, e, `state = 'taken'`);
      case 'ReplicaCorrupt':
        return setReplica(tx, e, `state = 'corrupt'`);
      case 'ReplicaRepaired':
        return setReplica(tx, e, `state = 'ok', sha256 = $5, verified_at = $6`, [e.data.sha256, at(e)]);
      case 'ReplicaEvicted':
        return setReplica(tx, e, `state = 'evicted'`);
      case 'AssetRead':
        // Reads are frequent and commute: the latest time wins, whatever order two readers' events land in.
        await tx.query(
          `update rm_replicas set last_read_at = greatest(coalesce(last_read_at, $4), $4)
            where asset_id = $1 and network = $2 and path = $3`,
          [e.data.assetId, e.data.network, e.data.path, at(e)],
        );
        return;
    }
  },
});
