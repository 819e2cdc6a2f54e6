import type { Sql } from '../../../lib/db/sql';
import type { StoredEvent } from '../../envelope';
import { at, type Projection } from '../projection';

type Data = Record<string, unknown>;

async function update(tx: Sql, e: StoredEvent, id: unknown, set: string, params: unknown[] = []): Promise<void> {
  await tx.query(
    `update rm_transfers set ${set}, updated_at = $2, last_position = $3
      where transfer_id = $1 and last_position < $3`,
    [id, at(e), e.position.toString(), ...params],
  );
}

/** Transfer tasks as operators see them: state, lane, priority, progress, history. */
export const transfersProjection: Projection = {
  name: 'transfers',
  tables: [{ name: 'rm_transfers', key: ['transfer_id'] }],
  handles: [
    'TransferRequested',
    'TransferReprioritized',
    'TransferStarted',
    'TransferPaused',
    'TransferResumed',
    'TransferVerified',
    'TransferCommitted',
    'TransferFailed',
    'TransferCompensated',
    'TransferCancelled',
    'ReplicaStored',
  ],
  async apply(tx, e) {
    const d = e.data as Data;
    const id = d.transferId ?? null;
    switch (e.type) {
      case 'TransferRequested':
        await tx.query(
          `insert into rm_transfers (transfer_id, asset_id, target_network, state, lane, priority, bytes_total,
                                     requested_by, created_at, updated_at, version, last_position)
           values ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $8, $9, $10) on conflict (transfer_id) do nothing`,
          [
            id,
            d.assetId,
            d.targetNetwork,
            d.lane,
            d.priority,
            d.sizeBytes,
            e.metadata.actor,
            at(e),
            e.version,
            e.position.toString(),
          ],
        );
        return;
      case 'TransferReprioritized':
        return update(tx, e, id, `lane = $4, priority = $5`, [d.lane, d.priority]);
      case 'TransferStarted':
        return update(
          tx,
          e,
          id,
          `state = 'running', attempts = $4, step = 'copy', started_at = coalesce(started_at, $2)`,
          [d.attempt],
        );
      case 'TransferPaused':
        return update(tx, e, id, `state = 'paused', bytes_done = $4`, [d.bytesDone]);
      case 'TransferResumed':
        return update(tx, e, id, `state = 'queued'`);
      case 'TransferVerified':
        return update(tx, e, id, `step = 'verify', bytes_done = $4`, [d.bytes]);
      case 'TransferCommitted':
        return update(tx, e, id, `step = 'commit'`);
      case 'TransferFailed':
        return update(
          tx,
          e,
          id,
          `state = case when $4 then 'queued' else 'failed' end, error = $5, step = $6,
           finished_at = case when $4 then null else $2::timestamptz end`,
          [d.retryable, d.reason, d.step],
        );
      case 'TransferCompensated':
        return update(tx, e, id, `step = 'compensated'`);
      case 'TransferCancelled':
        return update(tx, e, id, `state = 'cancelled', finished_at = $2`);
      case 'ReplicaStored':
        if (typeof id === 'string') {
          await update(
            tx,
            e,
            id,
            `state = 'succeeded', step = 'registered', bytes_done = bytes_total, finished_at = $2`,
          );
        }
        return;
    }
  },
};
