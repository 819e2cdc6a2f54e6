import type { EventStore } from '../../../events/store/event-store';
import type { AssetNetworks } from '../rights';

const TYPES = ['AssetDetected', 'ReplicaStored', 'ReplicaEvicted'];
const PAGE = 1000;

/**
 * The default `AssetNetworks`: folds the asset's own stream, so it is right
 * without any read model. Only the three event types that move an asset
 * between networks are read: an asset's stream also holds one `AssetRead`
 * per content request, and those would make every check slower as the asset
 * is watched. Replicas are keyed by network and path, as eviction names them.
 */
export function createStreamAssetNetworks(store: Pick<EventStore, 'readAll'>): AssetNetworks {
  return async (assetId) => {
    const streamId = `asset-${assetId}`;
    let source: string | undefined;
    const replicas = new Map<string, string>();
    for (let after = 0n, page = PAGE; page === PAGE;) {
      const events = await store.readAll({ streamId, types: TYPES, after, limit: PAGE });
      for (const e of events) {
        const data = e.data as { sourceNetwork?: string; network?: string; path?: string };
        if (e.type === 'AssetDetected') source = data.sourceNetwork;
        else if (e.type === 'ReplicaStored') replicas.set(`${data.network}\0${data.path}`, data.network!);
        else replicas.delete(`${data.network}\0${data.path}`);
      }
      page = events.length;
      after = events[events.length - 1]?.position ?? after;
    }
    if (source === undefined) return undefined;
    return [...new Set([source, ...replicas.values()])];
  };
}
