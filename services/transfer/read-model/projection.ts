import type { RenditionEvent, TransferEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

type TransferStreamEvent = TransferEvent | RenditionEvent;

async function update(tx: Sql, e: Stored<TransferStreamEvent>, set: string, params: unknown[] = []): Promise<void> {
  await tx.query(
    `update rm_transfers set ${set}, updated_at = $2, last_position = $3, version = $4, last_actor = $5
      where transfer_id = $1 and last_position < $3`,
    [e.data.transferId, at(e), e.position.toString(), e.version, e.metadata.actor, ...params],
  );
}

/** Transfer tasks as operators see them: state, lane, priority, saga step, progress, history. */
export const transfersProjection = defineProjection<TransferStreamEvent>({
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
    'RenditionStarted',
    'RenditionCreated',
  ],
  async apply(tx, e) {
    switch (e.type) {
      case 'TransferRequested': {
        const d = e.data;
        await tx.query(
          `insert into rm_transfers (transfer_id, asset_id, source_network, target_network, state, lane, priority,
                                     bytes_total, sha256, step, requested_by, last_actor, created_at, updated_at,
                                     version, last_position)
           values ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, 'requested', $9, $9, $10, $10, $11, $12)
           on conflict (transfer_id) do nothing`,
          [
            d.transferId,
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
      }
      case 'TransferReprioritized':
        return update(tx, e, `lane = $6, priority = $7`, [e.data.lane, e.data.priority]);
      case 'TransferStarted':
        return update(
          tx,
          e,
          `state = 'running', attempts = $6, step = 'started', channel = $7, error = null,
           started_at = coalesce(started_at, $2)`,
          [e.data.attempt, e.data.channel],
        );
      case 'TransferReserved':
        return update(tx, e, `step = 'reserved'`);
      case 'TransferPaused':
        return update(tx, e, `state = 'paused', bytes_done = $6`, [e.data.bytesDone]);
      case 'TransferResumed':
      case 'TransferRetried':
        return update(tx, e, `state = 'queued', error = null, finished_at = null`);
      case 'TransferVerified':
        return update(tx, e, `step = 'verified', bytes_done = $6`, [e.data.bytes]);
      case 'TransferCommitted':
        return update(tx, e, `step = 'committed', path = $6`, [e.data.path]);
      case 'TransferCompleted':
        return update(
          tx,
          e,
          `state = 'succeeded', step = 'registered', bytes_done = $6, path = $7, duration_ms = $8, finished_at = $2`,
          [e.data.bytes, e.data.path, e.data.durationMs],
        );
      case 'TransferFailed':
        return update(
          tx,
          e,
          `state = case when $6 then 'queued' else 'failed' end, error = $7, step = $8,
           finished_at = case when $6 then null else $2::timestamptz end`,
          [e.data.retryable, e.data.reason, e.data.step],
        );
      case 'TransferCompensated':
        return update(tx, e, `step = 'compensated', bytes_done = 0`);
      // A rendition's failure is the TransferFailed appended with it (step render).
      case 'RenditionStarted':
        return update(tx, e, `step = 'rendering'`);
      case 'RenditionCreated':
        return update(tx, e, `step = 'rendered', bytes_total = $6`, [e.data.sizeBytes]);
      case 'TransferCancelled':
        return update(tx, e, `state = 'cancelled', finished_at = $2, error = coalesce($6, error)`, [
          e.data.reason ?? null,
        ]);
    }
  },
});
