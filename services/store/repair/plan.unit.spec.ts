import type { StoredEvent } from '../../../events/envelope';
import { unmeasuredLinks, type LinkStats } from '../domain/choose-source';
import { foldReplicas, planRepairs, repairTransferId } from './plan';

const A = 'a1';
const NEWS = '/n/news/.mxhub/staging/a1/take.wav';
const BROADCAST = '/n/broadcast/inbox/take.wav';
const ARCHIVE = '/n/archive/cache/take.wav';

let version = 0;
const e = (type: string, data: object): StoredEvent =>
  ({ type, data: { assetId: A, ...data }, version: ++version }) as unknown as StoredEvent;
const stored = (network: string, path: string, kind: string) => e('ReplicaStored', { network, path, kind });
const replicas = [
  stored('news', NEWS, 'origin'),
  stored('broadcast', BROADCAST, 'delivered'),
  stored('archive', ARCHIVE, 'cached'),
];
const plan = (events: StoredEvent[], links: LinkStats = unmeasuredLinks) =>
  planRepairs(A, foldReplicas([e('AssetDetected', { sourceNetwork: 'news', sizeBytes: 10 }), ...events]), links);

describe('planning repairs from an asset’s own stream', () => {
  test('given three good replicas, when one is found missing and one corrupt, then both are repaired from the one left', () => {
    const plans = plan([
      ...replicas,
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
      e('ReplicaCorrupt', { network: 'archive', path: ARCHIVE }),
    ]);
    expect(plans).toEqual([
      expect.objectContaining({ network: 'broadcast', path: BROADCAST, sourceNetwork: 'news', sourcePath: NEWS }),
      expect.objectContaining({ network: 'archive', path: ARCHIVE, sourceNetwork: 'news', sourcePath: NEWS }),
    ]);
    expect(plans[0]!.transferId).toBe(repairTransferId(A, 'broadcast', BROADCAST, 0));
  });

  test('given a repair under way from a good replica, when the audit finds the replica again, then nothing more is asked', () => {
    const damaged = e('ReplicaMissing', { network: 'broadcast', path: BROADCAST });
    const asked = e('RepairRequested', {
      network: 'broadcast',
      path: BROADCAST,
      sourceNetwork: 'news',
      sourcePath: NEWS,
    });
    expect(plan([...replicas, damaged, asked, damaged])).toEqual([]);
  });

  test('given a repair from archive, when archive is found corrupt, then broadcast is asked again, from news, under a new id', () => {
    const plans = plan([
      ...replicas,
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
      e('RepairRequested', { network: 'broadcast', path: BROADCAST, sourceNetwork: 'archive', sourcePath: ARCHIVE }),
      e('ReplicaCorrupt', { network: 'archive', path: ARCHIVE }),
    ]);
    expect(plans.find((p) => p.network === 'broadcast')).toMatchObject({
      sourceNetwork: 'news',
      transferId: repairTransferId(A, 'broadcast', BROADCAST, 1),
    });
  });

  test('given a repair from archive, when archive’s cached copy is evicted, then broadcast is asked again from news', () => {
    const plans = plan([
      ...replicas,
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
      e('RepairRequested', { network: 'broadcast', path: BROADCAST, sourceNetwork: 'archive', sourcePath: ARCHIVE }),
      e('ReplicaEvicted', { network: 'archive', path: ARCHIVE }),
    ]);
    expect(plans).toEqual([expect.objectContaining({ network: 'broadcast', sourceNetwork: 'news' })]);
  });

  test('given a delivered file the network took from its inbox, then it is not repaired, and a repair that read from it is asked again from another', () => {
    expect(plan([...replicas, e('ReplicaTaken', { network: 'broadcast', path: BROADCAST })])).toEqual([]);
    const plans = plan([
      ...replicas,
      e('ReplicaMissing', { network: 'archive', path: ARCHIVE }),
      e('RepairRequested', { network: 'archive', path: ARCHIVE, sourceNetwork: 'broadcast', sourcePath: BROADCAST }),
      e('ReplicaTaken', { network: 'broadcast', path: BROADCAST }),
    ]);
    expect(plans).toEqual([
      expect.objectContaining({ network: 'archive', path: ARCHIVE, sourceNetwork: 'news', sourcePath: NEWS }),
    ]);
  });

  test('given a repaired replica, when it is damaged again, then a new repair with a new id', () => {
    const plans = plan([
      ...replicas,
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
      e('RepairRequested', { network: 'broadcast', path: BROADCAST, sourceNetwork: 'news', sourcePath: NEWS }),
      e('ReplicaRepaired', { network: 'broadcast', path: BROADCAST }),
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
    ]);
    expect(plans.map((p) => p.transferId)).toEqual([repairTransferId(A, 'broadcast', BROADCAST, 1)]);
  });

  test('no good replica left (or only on a node that is down), or the asset deleted: nothing is asked; evicted replicas are never repaired', () => {
    const lost = [
      ...replicas,
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
      e('ReplicaCorrupt', { network: 'news', path: NEWS }),
      e('ReplicaEvicted', { network: 'archive', path: ARCHIVE }),
    ];
    expect(plan(lost)).toEqual([]);
    const missing = e('ReplicaMissing', { network: 'broadcast', path: BROADCAST });
    expect(plan([...replicas, missing, e('AssetDeleted', { reason: 'test' })])).toEqual([]);
    const down = { ...unmeasuredLinks, isUp: (n: string) => n !== 'news' };
    expect(
      plan([...replicas.slice(0, 2), e('ReplicaMissing', { network: 'broadcast', path: BROADCAST })], down),
    ).toEqual([]);
  });

  test('the origin (the pool asset’s only copy on its node) is repaired from a cached copy elsewhere', () => {
    const plans = plan([
      stored('news', NEWS, 'origin'),
      stored('archive', ARCHIVE, 'cached'),
      e('ReplicaCorrupt', { network: 'news', path: NEWS }),
    ]);
    expect(plans).toEqual([expect.objectContaining({ network: 'news', path: NEWS, sourceNetwork: 'archive' })]);
  });

  test('a log from before the store: the claimed file counts as the origin replica', () => {
    const old = [
      e('AssetIngested', { stagedPath: NEWS, sizeBytes: 10 }),
      e('AssetCleared', {}),
      stored('broadcast', BROADCAST, 'delivered'),
      e('ReplicaMissing', { network: 'broadcast', path: BROADCAST }),
    ];
    expect(plan(old)).toEqual([expect.objectContaining({ sourceNetwork: 'news', sourcePath: NEWS })]);
  });

  test('a rendition is repaired only from a copy of the same bytes, never from the original', () => {
    const MXF = '/n/broadcast/inbox/take.mxf';
    const CACHED_MXF = '/n/playout/cache/take.mxf';
    const withHashes = [
      e('ReplicaStored', { network: 'news', path: NEWS, kind: 'origin', sha256: 'a'.repeat(64) }),
      e('ReplicaStored', { network: 'broadcast', path: MXF, kind: 'delivered', sha256: 'b'.repeat(64) }),
      e('ReplicaMissing', { network: 'broadcast', path: MXF }),
    ];
    expect(plan(withHashes)).toEqual([]);
    const copy = e('ReplicaStored', {
      network: 'playout',
      path: CACHED_MXF,
      kind: 'cached',
      sha256: 'b'.repeat(64),
      sizeBytes: 7,
    });
    // The repair carries the rendition's bytes, so the transfer checks the copy against them, not the original's.
    expect(plan([...withHashes, copy])).toEqual([
      expect.objectContaining({
        network: 'broadcast',
        path: MXF,
        sourceNetwork: 'playout',
        sourcePath: CACHED_MXF,
        sha256: 'b'.repeat(64),
        sizeBytes: 7,
      }),
    ]);
  });
});
