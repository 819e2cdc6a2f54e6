import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import { dropDir, startScreeningHub, until, writeHubConfig, type ScreeningHub } from '../screening/support';
import {
  api,
  checkInbox,
  describeTransfers,
  dropWav,
  ensureProductionServices,
  eventsOf,
  listTransfers,
  productionKeys,
  uniqueName,
  waitForTransfers,
  type TransferJson,
} from './support';
import { startOwnRedis } from './redis';

const MiB = 1024 * 1024;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** Mounts a tmpfs of `mib` MiB at `dir`; fails saying why when this machine does not allow it. */
function mountTmpfs(dir: string, mib: number): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `the disk-full test needs a small file system for the target network: mount -t tmpfs at ${dir} failed ` +
        `(run as root or with CAP_SYS_ADMIN): ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`,
    );
  }
}

/** The one transfer of the asset dropped as `name`, once it exists. */
async function transferOf(h: ScreeningHub, name: string, network: string): Promise<TransferJson> {
  let found: TransferJson | undefined;
  await until(
    async () => {
      const assets = await h.get<{ items: Array<{ assetId: string; originalName: string; state: string }> }>(
        '/v1/assets?limit=100',
      );
      const asset = assets.items.find((a) => a.originalName === name);
      found = asset && (await listTransfers(h, `assetId=${asset.assetId}&network=${network}`))[0];
      return found !== undefined;
    },
    `a transfer of ${name} to ${network}`,
    () => h.logs().split('\n').slice(-20).join('\n'),
    90_000,
  );
  return found!;
}

/** Polls one transfer until `check` holds; fails with its last state. */
async function waitTransfer(h: ScreeningHub, id: string, what: string, check: (t: TransferJson) => boolean) {
  let t: TransferJson | undefined;
  await until(
    async () => check((t = await api<TransferJson>(h, 'GET', `/v1/transfers/${id}`))),
    `transfer ${id} ${what}`,
    () => JSON.stringify(t),
    90_000,
  );
  return t!;
}

describe('faults: disk full, source deleted mid-copy, Redis restarted (production profile)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-faults-'));
  const small = join(dataDir, 'small-broadcast');
  const prefix = uniqueName('faults');
  const redisPort = 20000 + Math.floor(Math.random() * 20000);
  let redis: Awaited<ReturnType<typeof startOwnRedis>> | undefined;
  let db: TestDatabase;
  let h: ScreeningHub;

  beforeAll(async () => {
    redis = await startOwnRedis(redisPort);
    await ensureProductionServices(redis.url);
    db = await createTestDatabase();
    // Target broadcast lives on 200 MiB; the copier reserves the file plus a 64 MiB margin.
    mountTmpfs(small, 200);
    const config = writeHubConfig(dataDir, {
      extra: {
        ...productionKeys(db, prefix, redis.url),
        networks: [{ id: 'news' }, { id: 'broadcast', root: small }, { id: 'archive' }],
      },
    });
    h = await startScreeningHub(dataDir, config);
  }, 120_000);
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    await redis?.kill();
    await db?.drop();
    if (existsSync(small)) execFileSync('umount', ['-l', small]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('target disk full: fails cleanly and is compensated; succeeds when retried after space is freed', async () => {
    const filler = join(small, 'filler.bin');
    writeFileSync(filler, Buffer.alloc(150 * MiB));
    // ~20 MB does not fit beside the filler (with the reserve margin); it does once the filler is gone.
    const source = await dropWav(dropDir(dataDir, 'broadcast'), 'too-big.wav', 105);
    const { id } = await transferOf(h, source.name, 'broadcast');
    const failed = await waitTransfer(h, id, 'failed', (t) => t.state === 'failed' || t.state === 'succeeded');
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/bytes free|no space|full/i);
    const compensated = (await eventsOf(h, 'TransferCompensated')).filter((e) => e.data.transferId === id);
    expect(compensated).toHaveLength(1);
    const partial = join(small, '.mxhub', 'partial');
    expect(existsSync(partial) ? readdirSync(partial).filter((n) => n.startsWith(id)) : []).toEqual([]);
    expect(existsSync(join(small, 'inbox')) ? readdirSync(join(small, 'inbox')) : []).toEqual([]);

    rmSync(filler);
    const retried = await api<{ version: number }>(h, 'POST', `/v1/transfers/${id}/retry`, {
      reason: 'e2e: space freed',
    });
    // The listing lags the log: wait for a row that reflects the retry before reading its outcome.
    const done = await waitTransfer(
      h,
      id,
      'finished after retry',
      (t) => (t as TransferJson & { version: number }).version > retried.version && TERMINAL.includes(t.state),
    );
    expect(done).toMatchObject({ state: 'succeeded', path: expect.stringContaining(source.name) });
    expect(await checkInbox(join(small, 'inbox'), [source])).toEqual([]);
  });

  test('source deleted mid-copy: a clear failure naming the source', async () => {
    // 8 Mbit/s: a 30 MB copy takes half a minute, time enough to pull the source from under it.
    await api(h, 'PATCH', '/v1/lanes/normal', { bandwidthMbps: 8 });
    const source = await dropWav(dropDir(dataDir, 'archive'), 'vanishing.wav', 160);
    const t = await transferOf(h, source.name, 'archive');
    await waitTransfer(h, t.id, 'copying', (x) => x.state === 'running' && x.bytesDone > 0);
    const staged = join(dataDir, 'networks', 'news', '.mxhub', 'staging', t.assetId);
    expect(readdirSync(staged)).toEqual([source.name]);
    rmSync(join(staged, source.name));

    const failed = await waitTransfer(h, t.id, 'failed', (x) => ['failed', 'succeeded'].includes(x.state));
    await api(h, 'PATCH', '/v1/lanes/normal', { bandwidthMbps: null });
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/source/i);
    expect(failed.error).toContain(source.name);
    const archiveInbox = join(dataDir, 'networks', 'archive', 'inbox');
    expect(existsSync(archiveInbox) ? readdirSync(archiveInbox) : []).toEqual([]);
  });

  test('Redis restarted while transfers wait: the queue is rebuilt from the projections, nothing is lost', async () => {
    // No channel in either lane: the transfers wait in Redis.
    await api(h, 'PATCH', '/v1/lanes/urgent', { channels: 0 });
    await api(h, 'PATCH', '/v1/lanes/normal', { channels: 0 });
    const sources = [];
    for (let i = 0; i < 10; i += 1) sources.push(await dropWav(dropDir(dataDir, 'archive'), `redis-${i}.wav`, 1 + i));
    let queued: TransferJson[] = [];
    await until(
      async () =>
        (queued = (await listTransfers(h, 'network=archive')).filter((t) => t.state === 'queued')).length === 10,
      '10 queued transfers to archive',
      () => describeTransfers(queued),
      90_000,
    );
    const started = await eventsOf(h, 'TransferStarted');
    expect(started.filter((e) => queued.some((q) => q.id === e.data.transferId))).toEqual([]);

    // A real restart of this test's own Redis, without persistence: every queued job is gone.
    await redis!.kill();
    redis = await startOwnRedis(redisPort);
    await api(h, 'PATCH', '/v1/lanes/urgent', { channels: 4 });
    await api(h, 'PATCH', '/v1/lanes/normal', { channels: 12 });

    const all = await waitForTransfers(() => h, 11, 150_000, 'archive');
    const mine = all.filter((t) => queued.some((q) => q.id === t.id));
    expect(describeTransfers(mine)).toBe('10 transfers (succeeded: 10)\n');
    expect(await checkInbox(join(dataDir, 'networks', 'archive', 'inbox'), sources)).toEqual([]);
    expect(h.hub.child.exitCode).toBeNull();
  }, 200_000);
});
