import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mxhub, startHub, type HubProcess } from '../../support/hub-process';
import { cleanMedia } from '../../support/media-corpus';

type Replica = { network: string; kind: string; path: string; sha256: string; state: string };
type Asset = { assetId: string; originalName: string; state: string; targets: string[] };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The store on a running embedded hub (issue 13 items 1-3): a file dropped
 * into news' pool is cleared and kept there as its origin replica, delivered
 * nowhere; a fetch brings it into broadcast's cache/ through a transfer and a
 * second fetch answers 200 with nothing moved; its content is served whole
 * and by range, each read recorded.
 */
describe('pool, replicas, fetch and content on an embedded hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-store-'));
  const env = { MXHUB_ADMIN_TOKEN: 'store-e2e-admin-token-0123456789abcdef' };
  const auth = { authorization: `Bearer ${env.MXHUB_ADMIN_TOKEN}` };
  const node = (network: string, ...path: string[]) => join(dataDir, 'networks', network, ...path);
  const wav = cleanMedia().wav;
  let hub: HubProcess;
  let asset: Asset;

  const call = async (method: string, path: string, body?: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...auth, ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) } as const;
  };
  const json = <T>(r: { bytes: Buffer }) => JSON.parse(r.bytes.toString('utf8')) as T;
  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    let value = await read();
    while (!ok(value) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }
  const replicas = async (assetId: string) =>
    json<{ items: Replica[] }>(await call('GET', `/v1/assets/${assetId}/replicas`)).items;

  beforeAll(async () => {
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ connectors: { stabilityMs: 200, sidecarWaitMs: 300, rescanMs: 1000 } }));
    hub = await startHub(['--data', dataDir, '--config', config], env);
  });
  afterAll(async () => {
    await hub?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(tmpdir(), `mxhub-media-${process.pid}`), { recursive: true, force: true });
  });

  test('a wav dropped straight into drop/ is cleared, its origin replica listed, and delivered nowhere', async () => {
    writeFileSync(node('news', 'drop', 'pool take.wav'), wav);
    const list = await until(
      async () => json<{ items: Asset[] }>(await call('GET', '/v1/assets?limit=1000')),
      (p) => p.items.some((a) => a.originalName === 'pool take.wav' && a.state === 'cleared'),
      60_000,
    );
    asset = list.items.find((a) => a.originalName === 'pool take.wav')!;
    expect(asset).toMatchObject({ state: 'cleared', targets: [] });
    const found = await until(
      () => replicas(asset.assetId),
      (r) => r.length > 0,
      10_000,
    );
    expect(found).toEqual([
      expect.objectContaining({ network: 'news', kind: 'origin', state: 'ok', sha256: sha256(wav) }),
    ]);
    expect(found[0]!.path.startsWith(node('news', '.mxhub'))).toBe(true);
    for (const n of ['broadcast', 'archive'])
      expect(existsSync(node(n, 'inbox')) ? readdirSync(node(n, 'inbox')) : []).toEqual([]);
  }, 90_000);

  test('content: whole file by SHA-256, a Range exactly, 416 beyond the end, each read recorded', async () => {
    const whole = await call('GET', `/v1/assets/${asset.assetId}/content?network=broadcast`);
    expect(whole.status).toBe(200);
    expect(sha256(whole.bytes)).toBe(sha256(wav));
    expect(whole.headers.get('etag')).toBe(`"${sha256(wav)}"`);
    expect(whole.headers.get('content-disposition')).toContain('pool take.wav');
    const part = await call('GET', `/v1/assets/${asset.assetId}/content`, undefined, { range: 'bytes=44-143' });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(wav.subarray(44, 144))).toBe(true);
    const beyond = await call('GET', `/v1/assets/${asset.assetId}/content`, undefined, {
      range: `bytes=${wav.length}-`,
    });
    expect(beyond.status).toBe(416);
    const reads = await until(
      async () => json<{ items: Array<{ type: string }> }>(await call('GET', `/v1/streams/asset-${asset.assetId}`)),
      (p) => p.items.filter((e) => e.type === 'AssetRead').length >= 2,
      10_000,
    );
    expect(reads.items.filter((e) => e.type === 'AssetRead')).toHaveLength(2);
  });

  test('fetch to broadcast lands in its cache/ as a cached replica; a second fetch is a 200 with no transfer', async () => {
    const first = await call('POST', `/v1/assets/${asset.assetId}/fetch`, { network: 'broadcast' });
    expect(first.status).toBe(202);
    const { transferId, source } = json<{ transferId: string; source: { network: string } }>(first);
    expect(source.network).toBe('news');
    const done = await until(
      () => replicas(asset.assetId),
      (r) => r.some((x) => x.network === 'broadcast' && x.state === 'ok'),
      60_000,
    );
    const cached = done.find((r) => r.network === 'broadcast')!;
    expect(cached).toMatchObject({ kind: 'cached', path: node('broadcast', 'cache', 'pool take.wav') });
    expect(sha256(readFileSync(cached.path))).toBe(sha256(wav));
    // With the hub's sidecar beside it, as a delivery has.
    expect(readdirSync(node('broadcast', 'cache')).sort()).toEqual(['pool take.wav', 'pool take.xml']);
    const second = await call('POST', `/v1/assets/${asset.assetId}/fetch`, { network: 'broadcast' });
    expect(second.status).toBe(200);
    expect(json<{ replica: Replica }>(second).replica.kind).toBe('cached');
    const transfers = json<{ items: Array<{ id: string; sourceNetwork: string; state: string }> }>(
      await call('GET', `/v1/transfers?limit=100`),
    ).items;
    expect(transfers.map(({ id, sourceNetwork, state }) => ({ id, sourceNetwork, state }))).toEqual([
      { id: transferId, sourceNetwork: 'news', state: 'succeeded' },
    ]);
    // Nothing was delivered into an inbox.
    expect(existsSync(node('broadcast', 'inbox')) ? readdirSync(node('broadcast', 'inbox')) : []).toEqual([]);
  }, 90_000);

  test('a fetch into a paused network is accepted and waits; it lands once the network is resumed', async () => {
    const paused = await call('PATCH', '/v1/networks/news', { paused: true, reason: 'maintenance window' });
    expect(paused.status).toBe(200);
    writeFileSync(node('archive', 'drop', 'archive take.wav'), wav);
    const list = await until(
      async () => json<{ items: Asset[] }>(await call('GET', '/v1/assets?limit=1000')),
      (p) => p.items.some((a) => a.originalName === 'archive take.wav' && a.state === 'cleared'),
      60_000,
    );
    const other = list.items.find((a) => a.originalName === 'archive take.wav')!;
    await until(
      () => replicas(other.assetId),
      (r) => r.length > 0,
      10_000,
    );
    const accepted = await call('POST', `/v1/assets/${other.assetId}/fetch`, { network: 'news' });
    expect(accepted.status).toBe(202);
    const { transferId } = json<{ transferId: string }>(accepted);
    const queued = await until(
      async () => call('GET', `/v1/transfers/${transferId}`),
      (r) => r.status === 200,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(json<{ state: string }>(await call('GET', `/v1/transfers/${transferId}`)).state).toBe(
      json<{ state: string }>(queued).state,
    );
    expect(existsSync(node('news', 'cache', 'archive take.wav'))).toBe(false);
    expect((await call('PATCH', '/v1/networks/news', { paused: false })).status).toBe(200);
    const landed = await until(
      () => replicas(other.assetId),
      (r) => r.some((x) => x.network === 'news' && x.kind === 'cached' && x.state === 'ok'),
      60_000,
    );
    expect(landed.find((x) => x.network === 'news')!.path).toBe(node('news', 'cache', 'archive take.wav'));
  }, 120_000);

  test('mxhub fetch says the network holds it already, or with --wait follows the transfer to its end', async () => {
    const held = await mxhub(['fetch', asset.assetId, '--to', 'broadcast', '--data', dataDir], env);
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/broadcast holds .* already \(cached\)/);
    const waited = await mxhub(['fetch', asset.assetId, '--to', 'archive', '--wait', '--data', dataDir], env);
    expect(waited.stderr).toBe('');
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/copying from (news|broadcast) .* into archive's cache\/\n.*: succeeded\n$/);
    expect(existsSync(node('archive', 'cache', 'pool take.wav'))).toBe(true);
  }, 60_000);
});
