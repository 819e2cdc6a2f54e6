import type { ReplicaEvent } from '../../../events/catalog';
import { StateError, ValidationError } from '../../../lib/errors';
import type { StoreAsset } from '../read-model/queries';

/**
 * Whether an asset's bytes may leave the hub: only once screening cleared
 * it. One still being screened, a quarantined one and a deleted one are a
 * 409: nothing of them is served or fetched.
 */
export function assertReadable(asset: StoreAsset): void {
  if (asset.status === 'cleared') return;
  const why = {
    screening: 'is still being screened',
    quarantined: 'is quarantined',
    deleted: 'was deleted',
  }[asset.status];
  throw new StateError(`asset ${asset.assetId} ${why}: its content is served and fetched only once it is cleared`, {
    assetId: asset.assetId,
    status: asset.status,
  });
}

/** A network the request names must be one the hub knows: a 400 naming the field otherwise. */
export function assertKnownNetwork(network: string, networks: readonly string[], field = 'network'): void {
  if (networks.includes(network)) return;
  throw new ValidationError(`${field}: '${network}' is not a network of this hub (known: ${networks.join(', ')})`, {
    field,
  });
}

/**
 * The byte range a response carries, read back from the `Content-Range`
 * header the sender wrote (`bytes 0-99/1000`); undefined for the whole file.
 */
export function servedRange(contentRange: string | undefined): { start: number; end: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/\d+$/.exec(contentRange ?? '');
  return m ? { start: Number(m[1]), end: Number(m[2]) } : undefined;
}

/** What a read records on the asset's stream: the replica it came from, the range, how many bytes, for whom. */
export function readEvent(read: {
  assetId: string;
  network: string;
  path: string;
  bytes: number;
  range?: { start: number; end: number };
  forNetwork?: string;
}): Extract<ReplicaEvent, { type: 'AssetRead' }> {
  const { assetId, network, path, bytes, range, forNetwork } = read;
  return {
    type: 'AssetRead',
    data: {
      assetId,
      network,
      path,
      bytes,
      ...(range ? { range } : {}),
      ...(forNetwork && forNetwork !== network ? { forNetwork } : {}),
    },
  };
}
