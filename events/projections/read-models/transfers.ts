import type { Sql } from '../../../lib/db/sql';
import type { StoredEvent } from '../../envelope';
import { at, type Projection } from '../projection';

type Data = Record<string, unknown>;

async function update(tx: Sql, e: StoredEvent, id: unknown, set: string, params: unknown[] = []): Promise<void> {
  await tx.query(
    `update rm_transfers set ${set}, updated_at = $2, last_position = $3, version = $4, last_actor = $5
      where transfer_id = $1 and last_position < $3`,
    [id, at(e), e.position.toString(), e.version, e.metadata.actor, ...params],
  );
}

/** Transfer tasks as operators see them: state, lane, priority, saga step, progress, history. */
export const transfersProjection: Projection = {
  name: 'transfers',
  tables: [{ name: 'rm_transfers', key: ['transfer_id'] }],
  handles: [
    'TransferRequested',
    'TransferReprioritized',
    'TransferStarted',
    'TransferReserved',
    'TransferPaused',
    'TransferResumed',
    'TransferVerified',
    'TransferCommitted',
    'TransferCompleted',
    'TransferRetried',
    'TransferFailed',
    'TransferCompensated',
    'TransferCancelled',
  ],
  async apply(tx, e) {
    const d = e.data as Data;
    const id = d.transferId;
    switch (e.type) {
      case 'TransferRequested':
        await tx.query(
          `insert into rm_transfers (transfer_id, asset_id, source_network, target_network, state, lane, priority,
                                     bytes_total, sha256, step, requested_by, last_actor, created_at, updated_at,
                                     version, last_position)
           values ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, 'requested', $9, $9, $10, $10, $11, $12)
           on conflict (transfer_id) do nothing`,
          [
            id,
            d.assetId,
            d.sourceNetwork,
            d.targetNetwork,
            d.lane,
            d.priority,
            d.sizeBytes,
            d.sha256,
            e.metadata.actor,
            at(e),
            e.version,
            e.position.toString(),
          ],
        );
        return;
      case 'TransferReprioritized':
        return update(tx, e, id, `lane = $6, priority = $7`, [d.lane, d.priority]);
      case 'TransferStarted':
        return update(
          tx,
          e,
          id,
          `state = 'running', attempts = $6, step = 'started', channel = $7, error = null,
           started_at = coalesce(started_at, $2)`,
          [d.attempt, d.channel],
        );
      case 'TransferReserved':
        return update(tx, e, id, `step = 'reserved'`);
      case 'TransferPaused':
        return update(tx, e, id, `state = 'paused', bytes_done = $6`, [d.bytesDone]);
      case 'TransferResumed':
      case 'TransferRetried':
        return update(tx, e, id, `state = 'queued', error = null, finished_at = null`);
      case 'TransferVerified':
        return update(tx, e, id, `step = 'verified', bytes_done = $6`, [d.bytes]);
      case 'TransferCommitted':
        return update(tx, e, id, `step = 'committed', path = $6`, [d.path]);
      case 'TransferCompleted':
        return update(
          tx,
          e,
          id,
          `state = 'succeeded', step = 'registered', bytes_done = $6, path = $7, duration_ms = $8, finished_at = $2`,
          [d.bytes, d.path, d.durationMs],
        );
      case 'TransferFailed':
        return update(
          tx,
          e,
          id,
          `state = case when $6 then 'queued' else 'failed' end, error = $7, step = $8,
           finished_at = case when $6 then null else $2::timestamptz end`,
          [d.retryable, d.reason, d.step],
        );
      case 'TransferCompensated':
        return update(tx, e, id, `step = 'compensated', bytes_done = 0`);
      case 'TransferCancelled':
        return update(tx, e, id, `state = 'cancelled', finished_at = $2, error = coalesce($6, error)`, [
          d.reason ?? null,
        ]);
    }
  },
};
