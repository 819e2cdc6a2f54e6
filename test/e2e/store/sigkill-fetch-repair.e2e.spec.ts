import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type HubProcess } from '../../support/hub-process';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import { killHard } from '../screening/support';
import { deleteRedisKeys } from '../transfer/redis';
import {
  dropWav,
  ensureProductionServices,
  productionKeys,
  sha256File,
  uniqueName,
  type SourceFile,
} from '../transfer/support';

type Replica = { network: string; kind: string; path: string; sha256: string; state: string };
type Transfer = { id: string; assetId: string; targetNetwork: string; state: string; lane: string };
type Event = { type: string; data: Record<string, unknown> };

/** ~48 MB of WAV; broadcast's bandwidth at 40 Mbit/s makes its copy last some 10 s, so a kill lands mid-copy. */
const SECONDS = 250;
const MBPS = 40;

/**
 * SIGKILL of the hub in the middle of a fetch, then of a repair (issue 13),
 * embedded (PGlite, in-process backbone) and production (PostgreSQL, Kafka,
 * Redis): after each restart the transfer resumes and ends once, one replica
 * with the right SHA-256 is registered, and no partial file is left.
 */
describe.each(['embedded', 'production'] as const)('SIGKILL during a fetch and during a repair, %s hub', (profile) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-sigkill-store-'));
  const env = { MXHUB_ADMIN_TOKEN: 'sigkill-e2e-admin-token-0123456789abcdef' };
  const config = join(dataDir, 'config.json');
  const node = (network: string, ...path: string[]) => join(dataDir, 'networks', network, ...path);
  const partials = () =>
    existsSync(node('broadcast', '.mxhub', 'partial')) ? readdirSync(node('broadcast', '.mxhub', 'partial')) : [];
  let hub: HubProcess;
  let source: SourceFile;
  let assetId: string;
  let db: TestDatabase | undefined;
  const prefix = uniqueName('sigkill-store');

  const call = async <T>(method: string, path: string, body?: object): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${env.MXHUB_ADMIN_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
  };
  async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const start = () => startHub(['--data', dataDir, '--config', config], env);
  const replicas = async () => (await call<{ items: Replica[] }>('GET', `/v1/assets/${assetId}/replicas`)).json.items;
  const transfers = async () => (await call<{ items: Transfer[] }>('GET', '/v1/transfers?limit=100')).json.items;
  const stream = async () =>
    (await call<{ items: Event[] }>('GET', `/v1/streams/asset-${assetId}?limit=1000`)).json.items;
  const partBytes = (transferId: string) => {
    const part = node('broadcast', '.mxhub', 'partial', `${transferId}.part`);
    return existsSync(part) ? statSync(part).size : 0;
  };

  /** Waits until the transfer's copy is under way on broadcast (some of it written, not all), then kills the hub. */
  async function killMidCopy(transferId: string): Promise<number> {
    const written = await until(
      `transfer ${transferId} copying`,
      async () => partBytes(transferId),
      (n) => n >= 4_000_000,
      120_000,
    );
    expect(written).toBeLessThan(source.size);
    await killHard(hub);
    return written;
  }

  /** One succeeded transfer per id, one TransferCompleted each, nothing partial left on broadcast. */
  async function expectSettledOnce(transferId: string): Promise<void> {
    const done = await until(
      `transfer ${transferId} succeeded`,
      async () => (await transfers()).filter((t) => t.id === transferId),
      (ts) => ts[0]?.state === 'succeeded',
      180_000,
    );
    expect(done).toHaveLength(1);
    const events = (await call<{ items: Event[] }>('GET', `/v1/streams/transfer-${transferId}?limit=1000`)).json.items;
    expect(events.filter((e) => e.type === 'TransferCompleted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TransferStarted').length).toBeGreaterThanOrEqual(2);
    expect(partials()).toEqual([]);
  }

  beforeAll(async () => {
    const connectors = { stabilityMs: 200, sidecarWaitMs: 300, rescanMs: 1000 };
    if (profile === 'production') {
      await ensureProductionServices();
      db = await createTestDatabase();
    }
    writeFileSync(config, JSON.stringify({ connectors, ...(db ? productionKeys(db, prefix) : {}) }));
    hub = await start();
    expect((await call('PATCH', '/v1/networks/broadcast', { bandwidthMbps: MBPS })).status).toBe(200);
    source = await dropWav(node('news', 'drop'), 'long take.wav', SECONDS);
    const assets = await until(
      'the pool asset cleared',
      async () =>
        (
          await call<{ items: Array<{ assetId: string; originalName: string; state: string }> }>(
            'GET',
            '/v1/assets?limit=100',
          )
        ).json.items,
      (items) => items.some((a) => a.originalName === source.name && a.state === 'cleared'),
      180_000,
    );
    assetId = assets.find((a) => a.originalName === source.name)!.assetId;
    await until('its origin replica', replicas, (r) => r.length > 0, 30_000);
  }, 240_000);

  afterAll(async () => {
    if (hub && hub.child.exitCode === null && hub.child.signalCode === null) await hub.stop();
    await db?.drop();
    if (profile === 'production') deleteRedisKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a fetch killed mid-copy resumes after restart: one transfer, one cached replica, the right SHA-256', async () => {
    const asked = await call<{ transferId: string }>('POST', `/v1/assets/${assetId}/fetch`, { network: 'broadcast' });
    expect(asked.status).toBe(202);
    const { transferId } = asked.json;
    await killMidCopy(transferId);
    hub = await start();
    await expectSettledOnce(transferId);

    const cached = await until('the cached replica', replicas, (r) => r.some((x) => x.network === 'broadcast'), 30_000);
    expect(cached.filter((r) => r.network === 'broadcast')).toEqual([
      expect.objectContaining({
        kind: 'cached',
        state: 'ok',
        path: node('broadcast', 'cache', source.name),
        sha256: source.sha256,
      }),
    ]);
    expect(await sha256File(node('broadcast', 'cache', source.name))).toBe(source.sha256);
    expect(readdirSync(node('broadcast', 'cache')).sort()).toEqual(['long take.wav', 'long take.xml']);
    expect((await stream()).filter((e) => e.type === 'ReplicaStored' && e.data.network === 'broadcast')).toHaveLength(
      1,
    );
    expect((await transfers()).map((t) => t.id)).toEqual([transferId]);
  }, 300_000);

  test('a repair killed mid-copy resumes after restart: the replica restored in place once, ok again', async () => {
    unlinkSync(node('broadcast', 'cache', source.name));
    expect((await call('POST', '/v1/nodes/broadcast/audit')).status).toBe(202);
    const requested = await until(
      'the repair asked',
      stream,
      (events) => events.some((e) => e.type === 'RepairRequested'),
      60_000,
    );
    const repair = requested.find((e) => e.type === 'RepairRequested')!.data;
    expect(repair).toMatchObject({
      network: 'broadcast',
      path: node('broadcast', 'cache', source.name),
      sourceNetwork: 'news',
    });
    const transferId = String(repair.transferId);
    await killMidCopy(transferId);
    hub = await start();
    await expectSettledOnce(transferId);

    await until(
      'the replica ok again',
      replicas,
      (r) => r.some((x) => x.network === 'broadcast' && x.state === 'ok'),
      30_000,
    );
    expect(await sha256File(node('broadcast', 'cache', source.name))).toBe(source.sha256);
    // The sidecar the fetch wrote stays as it was; nothing else appeared.
    expect(readdirSync(node('broadcast', 'cache')).sort()).toEqual(['long take.wav', 'long take.xml']);
    const trail = (await stream()).filter((e) => /^(ReplicaMissing|RepairRequested|ReplicaRepaired)$/.test(e.type));
    expect(trail.map((e) => e.type)).toEqual(['ReplicaMissing', 'RepairRequested', 'ReplicaRepaired']);
    const all = await transfers();
    expect(all).toHaveLength(2);
    expect(all.find((t) => t.id === transferId)).toMatchObject({ lane: 'urgent', targetNetwork: 'broadcast' });
    expect(await hub.stop()).toBe(0);
  }, 300_000);
});
