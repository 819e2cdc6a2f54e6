import type { TransferEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';
import { DELIVERY_STATES } from '../../../domain/asset/list-states';

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
export type DeliveryState = 'cleared' | (typeof DELIVERY_STATES)[number];

/**
 * Where a cleared asset stands by its transfers: a target counts as delivered
 * when one of its transfers succeeded, as lost when all of its transfers
 * failed for good or were cancelled, and as pending otherwise (no transfer
 * yet, queued, running, paused, backing off). Any pending target keeps the
 * asset `cleared`; then `delivered` (every target), `partially-delivered`
 * (some), `delivery-failed` (none). Targets are the drop's and those of any
 * other transfer of the asset. Pure.
 */
export function deliveryState(
  targets: readonly string[],
  transfers: ReadonlyArray<{ target: string; state: string }>,
): DeliveryState {
  const all = new Set([...targets, ...transfers.map((t) => t.target)]);
  let delivered = 0;
  for (const target of all) {
    const own = transfers.filter((t) => t.target === target);
    if (own.some((t) => t.state === 'succeeded')) delivered += 1;
    else if (own.length === 0 || !own.every((t) => t.state === 'failed' || t.state === 'cancelled')) return 'cleared';
  }
  if (delivered === all.size) return 'delivered';
  return delivered > 0 ? 'partially-delivered' : 'delivery-failed';
}

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
  // A transfer that is (again) pending holds the asset at `cleared`: that needs no look at its other transfers.
  let pending = false;
  switch (e.type) {
    case 'TransferRequested': {
      const d = e.data;
      await tx.query(
        `insert into rm_asset_transfers (transfer_id, asset_id, target_network, state, updated_at, last_position)
         values ($1, $2, $3, 'queued', $4, $5) on conflict (transfer_id) do nothing`,
        [d.transferId, d.assetId, d.targetNetwork, at(e), e.position.toString()],
      );
      assetId = d.assetId;
      pending = true;
      break;
    }
    case 'TransferCompleted':
      assetId = await setTransfer(tx, e, 'succeeded', e.data.path);
      break;
    case 'TransferFailed':
      pending = e.data.retryable;
      assetId = await setTransfer(tx, e, pending ? 'queued' : 'failed');
      break;
    case 'TransferCancelled':
      assetId = await setTransfer(tx, e, 'cancelled');
      break;
    case 'TransferRetried':
    case 'TransferResumed':
      pending = true;
      assetId = await setTransfer(tx, e, 'queued');
      break;
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
  if (!assetId) return;
  if (pending) await reopenDelivery(tx, assetId, at(e));
  else await recomputeDelivery(tx, assetId, at(e));
}

/** A pending transfer: an asset that had settled (delivered, partly, failed) is `cleared` again until it settles. */
async function reopenDelivery(tx: Sql, assetId: string, occurredAt: string): Promise<void> {
  await tx.query(
    `update rm_assets set state = 'cleared', updated_at = greatest(updated_at, $2::timestamptz)
      where asset_id = $1 and state in ('cleared', 'delivered', 'partially-delivered', 'delivery-failed')`,
    [assetId, occurredAt],
  );
}

/** The targets an asset is delivered to: those of its drop but the ones whose policy refused it (never waited for). */
const going = (targets: string[], refused: Array<{ target: string }>) =>
  targets.filter((t) => !refused.some((r) => r.target === t));

/**
 * Moves a cleared (or delivered) asset to the state its transfers give it.
 * Only such an asset moves: a transfer never reopens a quarantined or deleted one.
 */
export async function recomputeDelivery(tx: Sql, assetId: string, occurredAt: string): Promise<void> {
  // Two plain statements and the rule in TypeScript: one statement that did it all cost a plan per event.
  const [asset] = await tx.query<{
    targets: string[];
    refused: Array<{ target: string }>;
    transfers: Array<{ target: string; state: string }>;
  }>(
    `select a.targets, a.refused,
            coalesce((select json_agg(json_build_object('target', x.target_network, 'state', x.state))
                        from rm_asset_transfers x where x.asset_id = a.asset_id), '[]') as transfers
       from rm_assets a
      where a.asset_id = $1 and a.state in ('cleared', 'delivered', 'partially-delivered', 'delivery-failed')`,
    [assetId],
  );
  if (!asset) return;
  await tx.query(
    `update rm_assets set state = $2, updated_at = greatest(updated_at, $3::timestamptz) where asset_id = $1`,
    [assetId, deliveryState(going(asset.targets, asset.refused), asset.transfers), occurredAt],
  );
}
