import type { LinkStats } from '../domain/choose-source';
import { createStoreFixture, type StoreFixture } from '../testing/store-fixture';

const MB = 1_000_000;

describe.each(['postgres', 'pglite'] as const)('POST /v1/assets/{id}/fetch on %s (issue 13 item 3)', (kind) => {
  let fx: StoreFixture;
  // archive -> broadcast throttled, news -> broadcast not; a node listed in `down` is down.
  const down = new Set<string>();
  const links: LinkStats = {
    bytesPerSecond: (from) => (from === 'archive' ? 1 * MB : 100 * MB),
    queuedBytes: () => 0,
    isUp: (n) => !down.has(n),
  };

  const fetch = (assetId: string, body: object, role: 'operator' | 'connector' | 'viewer' = 'operator') =>
    fx.gw.app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/fetch`,
      headers: { ...fx.gw.as(role), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const fetchesOf = async (assetId: string) =>
    (await fx.gw.store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'FetchRequested');

  /** An asset with replicas on news (origin) and archive (delivered). */
  async function onNewsAndArchive() {
    const asset = await fx.clearedAsset('clip.wav', Buffer.alloc(10 * MB));
    await fx.append(asset.assetId, [
      'ReplicaStored',
      { network: 'archive', path: '/nodes/archive/inbox/clip.wav', sha256: asset.sha256, kind: 'delivered' },
    ]);
    await fx.project();
    return asset;
  }

  beforeAll(async () => {
    fx = await createStoreFixture(kind, { links });
  }, 60_000);

  afterAll(async () => {
    await fx?.dispose();
  });

  test('the faster source is chosen, one transfer for two fetches at once, then 200 once the copy is there', async () => {
    const asset = await onNewsAndArchive();
    const [a, b] = await Promise.all([
      fetch(asset.assetId, { network: 'broadcast' }),
      fetch(asset.assetId, { network: 'broadcast', priority: 2 }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json().source).toEqual({ network: 'news', path: asset.path });
    expect(b.json().transferId).toBe(a.json().transferId);
    const requested = await fetchesOf(asset.assetId);
    expect(requested).toHaveLength(1);
    expect(requested[0]!.data).toMatchObject({
      network: 'broadcast',
      sourceNetwork: 'news',
      transferId: a.json().transferId,
    });
    expect(requested[0]!.metadata.actor).toBe('user:test-operator');

    await fx.append(asset.assetId, [
      'ReplicaStored',
      { network: 'broadcast', path: '/nodes/broadcast/cache/clip.wav', sha256: asset.sha256, kind: 'cached' },
    ]);
    await fx.project();
    const again = await fetch(asset.assetId, { network: 'broadcast' });
    expect(again.statusCode).toBe(200);
    expect(again.json().replica).toMatchObject({ network: 'broadcast', kind: 'cached', state: 'ok' });
    expect(await fetchesOf(asset.assetId)).toHaveLength(1);
  });

  test('with news down the fetch comes from archive; with every source down it is a 503', async () => {
    const asset = await onNewsAndArchive();
    down.add('news');
    try {
      const res = await fetch(asset.assetId, { network: 'broadcast', lane: 'urgent' });
      expect(res.statusCode).toBe(202);
      expect(res.json().source.network).toBe('archive');
      down.add('archive');
      const other = await onNewsAndArchive();
      expect((await fetch(other.assetId, { network: 'broadcast' })).statusCode).toBe(503);
    } finally {
      down.clear();
    }
  });

  test('bad input: unknown network 400 naming it, quarantined 409, unknown asset 404', async () => {
    const asset = await onNewsAndArchive();
    const bad = await fetch(asset.assetId, { network: 'mars' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^network: 'mars'/);
    const missing = await fetch(asset.assetId, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/network/);
    const q = await fx.clearedAsset('q.wav', Buffer.from('q'));
    await fx.append(q.assetId, [
      'AssetQuarantined',
      { stage: 'antivirus', rule: 'antivirus.clamav', reason: 'EICAR', quarantinePath: '/q/q.wav' },
    ]);
    await fx.project();
    expect((await fetch(q.assetId, { network: 'broadcast' })).statusCode).toBe(409);
    expect((await fetch('01a2b3c4-0000-7000-8000-000000000000', { network: 'broadcast' })).statusCode).toBe(404);
  });

  test('roles: a connector fetches into its own network only; a viewer may not fetch', async () => {
    const asset = await onNewsAndArchive();
    // The test connector is bound to news, which holds the origin copy: a 200, nothing moves.
    expect((await fetch(asset.assetId, { network: 'news' }, 'connector')).statusCode).toBe(200);
    expect((await fetch(asset.assetId, { network: 'broadcast' }, 'connector')).statusCode).toBe(403);
    expect((await fetch(asset.assetId, { network: 'broadcast' }, 'viewer')).statusCode).toBe(403);
  });
});
