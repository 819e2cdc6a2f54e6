import type { StoredEvent } from '../../../events/envelope';
import type { ReadAllOptions } from '../../../events/store/event-store';
import { createStreamAssetNetworks } from './stream-asset-networks';

/** A log held in memory; readAll filters and pages as the event store does. */
function memoryLog(events: Array<[stream: string, type: string, data: object]>) {
  const stored = events.map(([streamId, type, data], i) => ({ streamId, type, data, position: BigInt(i + 1) }));
  const reads: ReadAllOptions[] = [];
  return {
    reads,
    async readAll(o: ReadAllOptions = {}) {
      reads.push(o);
      return stored
        .filter(
          (e) => e.position > (o.after ?? 0n) && e.streamId === o.streamId && (o.types ?? [e.type]).includes(e.type),
        )
        .slice(0, o.limit ?? 1000) as unknown as StoredEvent[];
    },
  };
}

test('an asset is in its source network and every network holding a replica it still has', async () => {
  const log = memoryLog([
    ['asset-a', 'AssetDetected', { sourceNetwork: 'news' }],
    ['asset-a', 'ReplicaStored', { network: 'news', path: '/n/a', kind: 'origin' }],
    ['asset-a', 'ReplicaStored', { network: 'archive', path: '/ar/inbox/a' }],
    ['asset-a', 'ReplicaStored', { network: 'broadcast', path: '/b/cache/a', kind: 'cached' }],
    ['asset-a', 'AssetRead', { network: 'archive', path: '/ar/inbox/a' }],
    ['asset-b', 'ReplicaStored', { network: 'pool', path: '/p/b' }],
    ['asset-a', 'ReplicaEvicted', { network: 'broadcast', path: '/b/cache/a' }],
  ]);
  const networks = createStreamAssetNetworks(log);
  expect(await networks('a')).toEqual(['news', 'archive']);
  // Only the events that move an asset are read, never its reads.
  expect(log.reads[0]).toMatchObject({
    streamId: 'asset-a',
    types: ['AssetDetected', 'ReplicaStored', 'ReplicaEvicted'],
  });
});

test('a cached copy evicted and fetched again counts; an asset never detected is undefined', async () => {
  const log = memoryLog([
    ['asset-a', 'AssetDetected', { sourceNetwork: 'news' }],
    ['asset-a', 'ReplicaStored', { network: 'broadcast', path: '/b/cache/a', kind: 'cached' }],
    ['asset-a', 'ReplicaEvicted', { network: 'broadcast', path: '/b/cache/a' }],
    ['asset-a', 'ReplicaStored', { network: 'broadcast', path: '/b/cache/a', kind: 'cached' }],
  ]);
  const networks = createStreamAssetNetworks(log);
  expect(await networks('a')).toEqual(['news', 'broadcast']);
  expect(await networks('b')).toBeUndefined();
});

test('a stream longer than one page is read to its end', async () => {
  const copies = Array.from({ length: 2500 }, (_, i): [string, string, object] => [
    'asset-a',
    'ReplicaStored',
    { network: i === 2499 ? 'archive' : 'news', path: `/n/${i}` },
  ]);
  const log = memoryLog([['asset-a', 'AssetDetected', { sourceNetwork: 'news' }], ...copies]);
  expect(await createStreamAssetNetworks(log)('a')).toEqual(['news', 'archive']);
  expect(log.reads).toHaveLength(3);
});
