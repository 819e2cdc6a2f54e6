import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent, StoredEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { createPGliteEventStore } from '../../../events/store/adapters/pglite';
import { createPostgresEventStore } from '../../../events/store/adapters/postgres';
import type { EventStore } from '../../../events/store/event-store';
import { uuidv7 } from '../../../lib/ids';
import { createNodeLayoutMonitor } from '../../../lib/node-layout';
import { createAuditor, type Auditor } from '../../../services/store/audit/auditor';
import { createPacer } from '../../../services/store/audit/paced-hash';
import { unmeasuredLinks } from '../../../services/store/domain/choose-source';
import { storeProjection } from '../../../services/store/read-model/projection';
import { createReplicaQueries } from '../../../services/store/read-model/queries';
import { createRepairer, type Repairer } from '../../../services/store/repair/repairer';
import { createCopier } from '../../../services/transfer/copier/copier';
import { createTokenBucket } from '../../../services/transfer/copier/throttle';
import { createInProcessProgressBoard } from '../../../services/transfer/progress';
import { createTransferRequester } from '../../../services/transfer/requests';
import { createTransferSaga, type TransferSaga } from '../../../services/transfer/saga';
import { createTestSql, type TestSql } from '../../support/pg';
import { settled } from '../../support/settle';

const logger = pino({ level: 'silent' });
const NETWORKS = ['news', 'broadcast', 'archive'] as const;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const REPLICA_EVENT = /^(Replica(Verified|Missing|Corrupt|Repaired)|RepairRequested)$/;

/**
 * The fixity audit and self-repair together (issue 13 item 5), on both
 * profiles: real files on three nodes; the auditor finds what is wrong, the
 * store's repairer asks for repairs (as its backbone consumer would, each
 * finding as it is appended), the transfer service's requester makes the
 * transfers and the saga copies them back in place, as for any transfer.
 */
describe.each(['postgres', 'pglite'] as const)('audit and self-repair on %s (issue 13 item 5)', (kind) => {
  let db: TestSql;
  let store: EventStore;
  let base: string;
  let runner: ProjectionRunner;
  let auditor: Auditor;
  let repairer: Repairer;
  let saga: TransferSaga;
  let seen = 0n;
  const root = (n: string) => join(base, n);
  const queries = () => createReplicaQueries(db.sql);

  /** Hands every event appended since the last call to the store's repairer and the transfer requester. */
  async function deliver(): Promise<void> {
    const requester = createTransferRequester({ store, logger });
    for (;;) {
      const events = await store.readAll({ after: seen });
      if (events.length === 0) return;
      for (const e of events) {
        await repairer.handle(e);
        await requester.handle(e);
        seen = e.position;
      }
    }
  }

  async function project(): Promise<void> {
    await settled(store, await store.headPosition());
    await runner.catchUp();
  }

  /** Runs every repair transfer requested to its end, as the urgent lane would. */
  async function runRepairs(): Promise<StoredEvent[]> {
    const requested = (await store.readAll({ types: ['TransferRequested'] })).filter(
      (e) => (e.data as { reason?: string }).reason === 'repair',
    );
    for (const r of requested) {
      const transferId = (r.data as { transferId: string }).transferId;
      const job = { id: `transfer.${transferId}`, data: { transferId }, attempt: 1, progress: async () => undefined };
      await saga.run(job, { id: 'urgent-1', lane: 'urgent' });
    }
    await deliver();
    await project();
    return requested;
  }

  async function asset(name: string, content: Buffer, places: Array<[network: string, kind: string, path: string]>) {
    const assetId = uuidv7();
    const origin = places.find(([, k]) => k === 'origin')!;
    const m = { correlationId: assetId, causationId: assetId, actor: 'test', occurredAt: new Date().toISOString() };
    const e = (type: string, data: object): NewEvent => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: m,
    });
    // Staging holds a folder per asset, as the claim makes it; inbox/ and cache/ hold the files themselves.
    const paths = places.map(
      ([network, k, dir]) => [network, k, join(root(network), dir, k === 'origin' ? assetId : '', name)] as const,
    );
    for (const [, , path] of paths) {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, content);
    }
    const sizeBytes = content.length;
    await store.append(`asset-${assetId}`, [
      e('AssetDetected', { sourceNetwork: origin[0], targets: [], originalName: name, sizeBytes }),
      e('AssetIngested', { stagedPath: paths[0]![2], sizeBytes, sha256: sha(content) }),
      e('AssetCleared', { targets: [] }),
      ...paths.map(([network, k, path]) =>
        e('ReplicaStored', { network, path, sha256: sha(content), kind: k, sizeBytes }),
      ),
    ]);
    await deliver();
    await project();
    return { assetId, paths: Object.fromEntries(paths.map(([n, , p]) => [n, p])) as Record<string, string> };
  }

  const audit = async (network: string) => {
    await auditor.audit(network, { actor: 'user:test', correlationId: uuidv7(), all: true }).done;
    // The repairer sees each finding as the backbone would deliver it, before the next node is audited.
    await deliver();
  };
  const trail = async (assetId: string) =>
    (await store.readStream(`asset-${assetId}`))
      .filter((e) => REPLICA_EVENT.test(e.type))
      .map((e) => `${e.type} ${(e.data as { network: string }).network}`);
  const states = async (assetId: string) =>
    Object.fromEntries((await queries().replicasOf(assetId)).map((r) => [r.network, r.state]));

  beforeAll(async () => {
    db = await createTestSql(kind);
    store = kind === 'postgres' ? createPostgresEventStore(db.sql) : createPGliteEventStore(db.sql);
    base = await mkdtemp(join(tmpdir(), 'mx-repair-'));
    for (const n of NETWORKS) await mkdir(root(n), { recursive: true });
    const networks = NETWORKS.map((id) => ({ id, root: root(id) }));
    runner = createProjectionRunner({ sql: db.sql, store, projections: [storeProjection], logger });
    auditor = createAuditor(
      { store, queries: queries(), networks, isUp: () => true, pacer: createPacer(1e9), logger },
      { intervalHours: 1 },
    );
    repairer = createRepairer({ store, links: unmeasuredLinks, queries: queries(), networks: NETWORKS, logger });
    saga = createTransferSaga(
      {
        store,
        copier: createCopier({ chunkBytes: 64 * 1024, durableEveryBytes: 256 * 1024 }),
        networks,
        isPaused: () => false,
        nodes: createNodeLayoutMonitor(NETWORKS.map((id) => ({ id, root: root(id), targets: [] }))),
        throttles: () => [createTokenBucket({ bytesPerSecond: null })],
        progress: createInProcessProgressBoard(),
        worker: 'test',
        logger,
      },
      { controlPollMs: 20 },
    );
  }, 60_000);

  afterAll(async () => {
    await auditor?.idle();
    await db?.dispose();
    await rm(base, { recursive: true, force: true });
  });

  test('a deleted file and a flipped byte: both found, the corrupt one moved aside, both repaired in place from news', async () => {
    const content = randomBytes(300 * 1024);
    const { assetId, paths } = await asset('clip.mxf', content, [
      ['news', 'origin', '.mxhub/staging'],
      ['broadcast', 'delivered', 'inbox'],
      ['archive', 'cached', 'cache'],
    ]);
    await unlink(paths.broadcast!);
    const flipped = Buffer.from(content);
    flipped[1000] = flipped[1000]! ^ 0xff;
    await writeFile(paths.archive!, flipped);

    for (const network of ['broadcast', 'archive', 'news']) await audit(network);
    await project();
    expect(await states(assetId)).toEqual({ archive: 'corrupt', broadcast: 'missing', news: 'ok' });
    const requested = await runRepairs();

    expect(await trail(assetId)).toEqual([
      'ReplicaMissing broadcast',
      'RepairRequested broadcast',
      'ReplicaCorrupt archive',
      'RepairRequested archive',
      'ReplicaVerified news',
      'ReplicaRepaired broadcast',
      'ReplicaRepaired archive',
    ]);
    // Urgent, reason repair, from the good replica, into the damaged replica's own place.
    expect(requested.map((r) => r.data)).toEqual(
      ['broadcast', 'archive'].map((network) =>
        expect.objectContaining({
          sourceNetwork: 'news',
          sourcePath: paths.news,
          targetNetwork: network,
          lane: 'urgent',
          reason: 'repair',
          restorePath: paths[network],
        }),
      ),
    );
    for (const n of ['broadcast', 'archive']) expect(sha(await readFile(paths[n]!))).toBe(sha(content));
    // The bad bytes stay aside for study; nothing partial is left behind; no sidecar appeared for a repair.
    const aside = join(root('archive'), '.mxhub', 'corrupt', assetId);
    const [moved] = await readdir(aside);
    expect(await readFile(join(aside, moved!))).toEqual(flipped);
    for (const n of ['broadcast', 'archive'])
      expect(await readdir(join(root(n), '.mxhub', 'partial')).catch(() => [])).toEqual([]);
    expect(await readdir(join(root('broadcast'), 'inbox'))).toEqual(['clip.mxf']);
    expect(await states(assetId)).toEqual({ archive: 'ok', broadcast: 'ok', news: 'ok' });
    const repaired = (await store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'ReplicaRepaired');
    expect(repaired.map((e) => e.data)).toEqual(
      ['broadcast', 'archive'].map((network) =>
        expect.objectContaining({ network, path: paths[network], sha256: sha(content), fromNetwork: 'news' }),
      ),
    );

    // Asked again (a redelivery, a second process, the sweep at start), nothing more is requested.
    for (const e of await store.readStream(`asset-${assetId}`)) await repairer.handle(e);
    expect(await repairer.sweep()).toBe(0);
    expect((await trail(assetId)).filter((t) => t.startsWith('RepairRequested'))).toHaveLength(2);
    // The repaired files pass the next audit.
    await audit('archive');
    expect((await trail(assetId)).at(-1)).toBe('ReplicaVerified archive');
  });

  test('an audit that finds the replica again while its repair waits asks nothing more: one transfer', async () => {
    const content = randomBytes(64 * 1024);
    const { assetId, paths } = await asset('again.wav', content, [
      ['news', 'origin', '.mxhub/staging'],
      ['broadcast', 'delivered', 'inbox'],
    ]);
    await unlink(paths.broadcast!);
    await audit('broadcast');
    // The read model has not seen the finding yet: the same replica is audited (and found missing) again.
    await audit('broadcast');
    await project();
    expect(await trail(assetId)).toEqual([
      'ReplicaMissing broadcast',
      'RepairRequested broadcast',
      'ReplicaMissing broadcast',
    ]);
    const transfers = (await store.readAll({ types: ['TransferRequested'] })).filter(
      (e) => (e.data as { assetId: string }).assetId === assetId,
    );
    expect(transfers).toHaveLength(1);
    await runRepairs();
    expect(sha(await readFile(paths.broadcast!))).toBe(sha(content));
  });

  test('the origin, the pool asset’s only copy on its node, is restored from a cached copy elsewhere', async () => {
    const content = randomBytes(64 * 1024);
    const { assetId, paths } = await asset('pool.wav', content, [
      ['news', 'origin', '.mxhub/staging'],
      ['archive', 'cached', 'cache'],
    ]);
    await rm(join(paths.news!, '..'), { recursive: true });
    await audit('news');
    await runRepairs();
    expect(await trail(assetId)).toEqual(['ReplicaMissing news', 'RepairRequested news', 'ReplicaRepaired news']);
    expect(sha(await readFile(paths.news!))).toBe(sha(content));
    expect(await states(assetId)).toEqual({ archive: 'ok', news: 'ok' });
  });

  test('no good replica left: the replica stays missing, visible, and no transfer is asked', async () => {
    const content = randomBytes(16 * 1024);
    const { assetId, paths } = await asset('alone.wav', content, [['news', 'origin', '.mxhub/staging']]);
    await unlink(paths.news!);
    await audit('news');
    await project();
    expect(await trail(assetId)).toEqual(['ReplicaMissing news']);
    expect(await states(assetId)).toEqual({ news: 'missing' });
    expect(await repairer.sweep()).toBe(0);
    expect(existsSync(paths.news!)).toBe(false);
  });
});
