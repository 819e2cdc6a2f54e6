import { uuidv7 } from '../../../lib/ids';
import { createStoreFixture, type StoreFixture } from '../testing/store-fixture';

const SHA = 'a'.repeat(64);
const BAD = 'b'.repeat(64);

describe.each(['postgres', 'pglite'] as const)('replica catalog on %s (issue 13 item 2)', (kind) => {
  let fx: StoreFixture;
  const assetId = uuidv7();
  const origin = `/nodes/news/.mxhub/staging/${assetId}/clip.mxf`;
  const inbox = '/nodes/broadcast/inbox/clip.mxf';
  const append = (...events: Array<[string, object, string?]>) => fx.append(assetId, ...events);

  beforeAll(async () => {
    fx = await createStoreFixture(kind);
    await append(
      ['AssetDetected', { sourceNetwork: 'news', targets: ['broadcast'], originalName: 'clip.mxf', sizeBytes: 11 }],
      ['AssetIngested', { stagedPath: origin, sizeBytes: 11, sha256: SHA }],
      ['AssetCleared', { targets: ['broadcast'] }],
      ['ReplicaStored', { network: 'news', path: origin, sha256: SHA, kind: 'origin', sizeBytes: 11 }],
      // Written before the store: no kind, no size (a delivery; the size is the asset's).
      ['ReplicaStored', { network: 'broadcast', path: inbox, sha256: SHA, transferId: 't1' }],
    );
    await fx.project();
  }, 60_000);

  afterAll(async () => {
    await fx?.dispose();
  });

  test('every replica with its kind, state and size; an old ReplicaStored reads as a delivery', async () => {
    const res = await fx.gw.request({ url: `/v1/assets/${assetId}/replicas`, headers: fx.gw.as('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        {
          network: 'broadcast',
          kind: 'delivered',
          path: inbox,
          sha256: SHA,
          state: 'ok',
          verifiedAt: '2026-12-02T10:00:04.000Z',
          sizeBytes: 11,
          lastReadAt: null,
        },
        {
          network: 'news',
          kind: 'origin',
          path: origin,
          sha256: SHA,
          state: 'ok',
          verifiedAt: '2026-12-02T10:00:03.000Z',
          sizeBytes: 11,
          lastReadAt: null,
        },
      ],
      next: null,
    });
    expect((await fx.queries.asset(assetId)).status).toBe('cleared');
  });

  test('audit outcomes and reads move the replica: corrupt, repaired, read, evicted', async () => {
    await append(['ReplicaCorrupt', { network: 'broadcast', path: inbox, foundSha256: BAD }]);
    await fx.project();
    expect((await fx.queries.goodReplicas(assetId)).map((r) => r.network)).toEqual(['news']);
    expect(await fx.queries.replicasOnNode('broadcast', { state: 'corrupt' })).toHaveLength(1);

    await append(
      ['ReplicaRepaired', { network: 'broadcast', path: inbox, sha256: SHA, fromNetwork: 'news' }],
      ['AssetRead', { network: 'news', path: origin, bytes: 11 }, 'user:viewer'],
      ['ReplicaEvicted', { network: 'broadcast', path: inbox, reason: 'test' }],
    );
    await fx.project();
    const [broadcast, news] = await fx.queries.replicasOf(assetId);
    expect(broadcast).toMatchObject({ state: 'evicted', verifiedAt: '2026-12-02T10:00:06.000Z' });
    expect(news).toMatchObject({ state: 'ok', lastReadAt: '2026-12-02T10:00:07.000Z' });
  });

  test('replicas on a node come oldest verification first, or least recently read first', async () => {
    const other = uuidv7();
    const path = `/nodes/news/.mxhub/staging/${other}/b.wav`;
    await fx.append(other, ['ReplicaStored', { network: 'news', path, sha256: SHA, kind: 'origin' }]);
    await fx.project();
    expect((await fx.queries.replicasOnNode('news', { order: 'verified' })).map((r) => r.assetId)).toEqual([
      assetId,
      other,
    ]);
    // Read again after the second was stored: least recently read first now puts it last.
    await append(['AssetRead', { network: 'news', path: origin, bytes: 11 }, 'user:viewer']);
    await fx.project();
    expect((await fx.queries.replicasOnNode('news', { order: 'read' })).map((r) => r.assetId)).toEqual([
      other,
      assetId,
    ]);
  });

  test('an asset cleared before clearing recorded its origin copy still has it: its staged file', async () => {
    const old = uuidv7();
    const staged = `/nodes/archive/.mxhub/staging/${old}/old.mxf`;
    await fx.append(
      old,
      ['AssetDetected', { sourceNetwork: 'archive', targets: ['news'], originalName: 'old.mxf', sizeBytes: 7 }],
      ['AssetIngested', { stagedPath: staged, sizeBytes: 7, sha256: SHA }],
      ['AssetCleared', { targets: ['news'] }],
    );
    await fx.project();
    expect(await fx.queries.replicasOf(old)).toEqual([
      expect.objectContaining({ network: 'archive', kind: 'origin', path: staged, sizeBytes: 7, state: 'ok' }),
    ]);
  });

  test('an unknown asset is a 404; readers may list replicas, a connector may not', async () => {
    const unknown = await fx.gw.request({ url: `/v1/assets/${uuidv7()}/replicas`, headers: fx.gw.as('auditor') });
    expect(unknown.statusCode).toBe(404);
    const connector = await fx.gw.request({ url: `/v1/assets/${assetId}/replicas`, headers: fx.gw.as('connector') });
    expect(connector.statusCode).toBe(403);
    expect((await fx.gw.request({ url: `/v1/assets/${assetId}/replicas` })).statusCode).toBe(401);
  });
});
