import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { uuidv7 } from '../../../lib/ids';
import { createStoreFixture, type StoreFixture } from '../testing/store-fixture';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(['postgres', 'pglite'] as const)('GET /v1/assets/{id}/content on %s (issue 13 item 3)', (kind) => {
  let fx: StoreFixture;
  const bytes = randomBytes(64 * 1024 + 123);
  let asset: { assetId: string; path: string; sha256: string };

  const get = (url: string, headers: Record<string, string> = {}, role: 'viewer' | 'connector' = 'viewer') =>
    fx.gw.app.inject({ method: 'GET', url, headers: { ...fx.gw.as(role), ...headers } });
  const reads = async (assetId: string) =>
    (await fx.gw.store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'AssetRead');

  beforeAll(async () => {
    fx = await createStoreFixture(kind);
    asset = await fx.clearedAsset('Interview – 北京.wav', bytes);
  }, 60_000);

  afterAll(async () => {
    await fx?.dispose();
  });

  test('the whole file: same SHA-256, ETag the hash, the original UTF-8 name, and the read recorded', async () => {
    const res = await get(`/v1/assets/${asset.assetId}/content?network=broadcast`);
    expect(res.statusCode).toBe(200);
    expect(sha256(res.rawPayload)).toBe(asset.sha256);
    expect(res.headers.etag).toBe(`"${asset.sha256}"`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Interview ? ??.wav"; filename*=UTF-8''Interview%20%E2%80%93%20%E5%8C%97%E4%BA%AC.wav`,
    );
    const [read] = await reads(asset.assetId);
    expect(read!.data).toEqual({
      assetId: asset.assetId,
      network: 'news',
      path: asset.path,
      bytes: bytes.length,
      forNetwork: 'broadcast',
    });
    expect(read!.metadata.actor).toBe('user:test-viewer');
    await fx.project();
    const [replica] = await fx.queries.replicasOf(asset.assetId);
    expect(replica!.lastReadAt).toBe(read!.metadata.occurredAt);
  });

  test('a Range gives exactly those bytes (206) and is recorded with its range; beyond the end is a 416', async () => {
    const res = await get(`/v1/assets/${asset.assetId}/content`, { range: 'bytes=1000-1999' });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.equals(bytes.subarray(1000, 2000))).toBe(true);
    expect(res.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    const last = (await reads(asset.assetId)).at(-1)!;
    expect(last.data).toMatchObject({ range: { start: 1000, end: 1999 }, bytes: 1000 });

    const beyond = await get(`/v1/assets/${asset.assetId}/content`, { range: `bytes=${bytes.length + 10}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);
    expect(beyond.json().error.code).toBe('MXHUB_ERR_RANGE');
  });

  test('an asset in screening or quarantined is a 409 with no bytes; unknown asset 404; unknown network 400', async () => {
    const screening = uuidv7();
    await fx.append(screening, [
      'AssetDetected',
      { sourceNetwork: 'news', targets: [], originalName: 'a.wav', sizeBytes: 1 },
    ]);
    const quarantined = uuidv7();
    await fx.append(
      quarantined,
      ['AssetDetected', { sourceNetwork: 'news', targets: [], originalName: 'b.wav', sizeBytes: 1 }],
      ['AssetQuarantined', { stage: 'antivirus', rule: 'antivirus.clamav', reason: 'EICAR', quarantinePath: '/q/b' }],
    );
    await fx.project();
    for (const id of [screening, quarantined]) {
      const res = await get(`/v1/assets/${id}/content`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('MXHUB_ERR_STATE');
    }
    expect((await get(`/v1/assets/${uuidv7()}/content`)).statusCode).toBe(404);
    const bad = await get(`/v1/assets/${asset.assetId}/content?network=mars`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^network: 'mars' is not a network/);
  });

  test('a connector reads for its own network only; a replica whose file is gone is skipped', async () => {
    expect((await get(`/v1/assets/${asset.assetId}/content?network=news`, {}, 'connector')).statusCode).toBe(200);
    expect((await get(`/v1/assets/${asset.assetId}/content?network=archive`, {}, 'connector')).statusCode).toBe(403);
    const gone = await fx.clearedAsset('gone.wav', Buffer.from('x'));
    await rm(gone.path);
    const res = await get(`/v1/assets/${gone.assetId}/content`);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('MXHUB_ERR_NO_REPLICA');
  });
});
