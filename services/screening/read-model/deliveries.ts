import type { TransferEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

/** The transfer events that say where an asset went. */
export const DELIVERY_EVENT_TYPES = [
  'TransferRequested',
  'TransferCompleted',
  'TransferFailed',
  'TransferCancelled',
  'TransferRetried',
  'TransferResumed',
] as const;

type DeliveryType = (typeof DELIVERY_EVENT_TYPES)[number];
export type DeliveryEvent = Extract<TransferEvent, { type: DeliveryType }>;

/** The states an asset reaches once it is cleared, by what became of its transfers. */
export const DELIVERY_STATES = ['delivered', 'partially-delivered', 'delivery-failed'] as const;

/**
 * After a transfer event: a target counts as delivered when one of its
 * transfers succeeded, as lost when all of its transfers failed for good or
 * were cancelled, and as pending otherwise (no transfer yet, queued, running,
 * paused, backing off). A cleared asset with any pending target stays
 * `cleared`; then `delivered` (every target), `partially-delivered` (some),
 * `delivery-failed` (none). Only a cleared (or already delivered) asset
 * moves: a transfer never reopens a quarantined or deleted one.
 */
const RECOMPUTE = `
  with targets as (
    select jsonb_array_elements_text(a.targets) as target from rm_assets a where a.asset_id = $1
    union
    select target_network from rm_asset_transfers where asset_id = $1
  ), outcome as (
    select t.target,
           bool_or(x.state = 'succeeded') as delivered,
           coalesce(bool_and(x.state in ('failed', 'cancelled')), false) as lost
      from targets t left join rm_asset_transfers x on x.asset_id = $1 and x.target_network = t.target
     group by t.target
  )
  update rm_assets set updated_at = greatest(updated_at, $2::timestamptz), state = (
    select case
      when bool_or(not coalesce(delivered, false) and not lost) then 'cleared'
      when bool_and(coalesce(delivered, false)) then 'delivered'
      when bool_or(coalesce(delivered, false)) then 'partially-delivered'
      else 'delivery-failed' end
      from outcome)
   where asset_id = $1 and state in ('cleared', 'delivered', 'partially-delivered', 'delivery-failed')`;

async function setTransfer(tx: Sql, e: Stored<DeliveryEvent>, state: string, path: string | null = null) {
  const rows = await tx.query<{ asset_id: string }>(
    `update rm_asset_transfers set state = $2, path = coalesce($3, path), updated_at = $4, last_position = $5
      where transfer_id = $1 and last_position < $5 returning asset_id`,
    [e.data.transferId, state, path, at(e), e.position.toString()],
  );
  return rows[0]?.asset_id;
}

/**
 * Applies one transfer event to `rm_asset_transfers` and moves the asset's
 * state. Idempotent: the row's `last_position` guards it, and the asset's
 * state is recomputed from the rows, never incremented.
 */
export async function applyDelivery(tx: Sql, e: Stored<DeliveryEvent>): Promise<void> {
  let assetId: string | undefined;
  switch (e.type) {
    case 'TransferRequested': {
      const d = e.data;
      await tx.query(
        `insert into rm_asset_transfers (transfer_id, asset_id, target_network, state, updated_at, last_position)
         values ($1, $2, $3, 'queued', $4, $5) on conflict (transfer_id) do nothing`,
        [d.transferId, d.assetId, d.targetNetwork, at(e), e.position.toString()],
      );
      assetId = d.assetId;
      break;
    }
    case 'TransferCompleted':
      assetId = await setTransfer(tx, e, 'succeeded', e.data.path);
      break;
    case 'TransferFailed':
      assetId = await setTransfer(tx, e, e.data.retryable ? 'queued' : 'failed');
      break;
    case 'TransferCancelled':
      assetId = await setTransfer(tx, e, 'cancelled');
      break;
    case 'TransferRetried':
    case 'TransferResumed':
      assetId = await setTransfer(tx, e, 'queued');
      break;
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
  if (assetId) await recomputeDelivery(tx, assetId, at(e));
}

/** Moves a cleared (or delivered) asset to the state its transfers give it. */
export async function recomputeDelivery(tx: Sql, assetId: string, occurredAt: string): Promise<void> {
  await tx.query(RECOMPUTE, [assetId, occurredAt]);
}
