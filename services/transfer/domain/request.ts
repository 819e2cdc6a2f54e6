import type { DataOf } from '../../../events/catalog/define';
import type { TransferRequested } from '../../../events/catalog/transfer-events';
import type { AssetState } from '../../../domain/asset/asset';
import { uuidFromName } from '../../../lib/ids';
import { StateError, ValidationError } from '../../../lib/errors';
import type { Lane } from './transfer';

/** Transfer of one asset to one target: the same id however often it is asked for. */
export const transferIdFor = (assetId: string, target: string) => uuidFromName(`transfer:${assetId}:${target}`);

/** Priorities 1 and 2 (the highest) travel in the urgent lane unless a lane is named. */
export const URGENT_UP_TO = 2;
export const DEFAULT_PRIORITY = 5;

/**
 * One scale everywhere (API, CLI, sidecar, console): 1 (highest) to 10 (lowest).
 * The sidecar's priority is already on it (the parser converts a deprecated
 * version 1 sidecar, and SidecarParsed v1 events are upcast), so it is taken as is.
 */
export const transferPriority = (sidecarPriority: number | undefined) => sidecarPriority ?? DEFAULT_PRIORITY;

export const laneFor = (priority: number): Lane => (priority <= URGENT_UP_TO ? 'urgent' : 'normal');

export interface TransferRequest {
  target: string;
  /** The id of the new transfer: `transferIdFor(asset, target)` unless another copy is forced. */
  transferId: string;
  lane?: Lane;
  priority?: number;
  force?: boolean;
  /** A fetch: copy this replica (on another node) into the target's `cache/` rather than the origin into its inbox. */
  fetchFrom?: { network: string; path: string };
  /**
   * A repair: write the copy of `fetchFrom` over the target's damaged replica at this path (in the
   * urgent lane). The source may be on the target's own node (another replica there).
   */
  restorePath?: string;
  /** The bytes `fetchFrom` holds, when they are not the asset's own (a rendition): what the copy is checked against. */
  bytes?: { sha256: string; sizeBytes: number };
}

/**
 * The one decision behind every transfer request, automatic (an asset
 * cleared for its targets) or by hand (an operator's send): only a cleared
 * asset travels, never back to where it came from nor to a target whose
 * policy refused it (a 409 naming the rule); a target whose policy names a
 * house profile gets a rendition; the priority follows the sidecar's unless
 * given, the lane the priority unless given. Pure.
 */
export function requestTransfer(asset: AssetState, request: TransferRequest): DataOf<typeof TransferRequested> {
  if (asset.status !== 'cleared') {
    throw new StateError(`asset ${asset.assetId} is ${asset.status}: only a cleared asset can be sent`, {
      assetId: asset.assetId,
    });
  }
  const from = request.fetchFrom?.network ?? asset.sourceNetwork;
  if (request.target === from && !request.restorePath) {
    throw new ValidationError(`network: the asset comes from '${request.target}'; send it to another network`, {
      field: 'network',
    });
  }
  const refusal = asset.refused[request.target];
  if (refusal) {
    // The asset is sound (it was cleared), but the target's acceptance policy will not take its format.
    throw new StateError(
      `asset ${asset.assetId} was refused for '${request.target}' by its acceptance policy (${refusal.rule}: ${refusal.reason}); ` +
        `it cannot be sent there unless that policy accepts it or names a transcode profile`,
      { assetId: asset.assetId, target: request.target, rule: refusal.rule },
    );
  }
  const priority = request.priority ?? transferPriority(asset.sidecarPriority);
  // A repair puts back the replica's own bytes (the store picked a source of the same SHA-256): never rendered again.
  const profile = request.restorePath ? undefined : asset.renditions[request.target];
  return {
    transferId: request.transferId,
    assetId: asset.assetId,
    sourceNetwork: from,
    targetNetwork: request.target,
    lane: request.lane ?? (request.restorePath ? 'urgent' : laneFor(priority)),
    priority,
    sizeBytes: request.bytes?.sizeBytes ?? asset.sizeBytes,
    sha256: request.bytes?.sha256 ?? asset.sha256,
    ...(request.force ? { force: true } : {}),
    ...(profile ? { rendition: { profile } } : {}),
    ...(request.fetchFrom ? { sourcePath: request.fetchFrom.path } : {}),
    ...(request.restorePath
      ? { reason: 'repair' as const, restorePath: request.restorePath }
      : request.fetchFrom
        ? { folder: 'cache' as const }
        : {}),
  };
}
