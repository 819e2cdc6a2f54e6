import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { createNodeLayoutMonitor } from '../../lib/node-layout';
import type { Job } from '../../lib/work-queue/work-queue';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { createCopier } from './copier/copier';
import { createTokenBucket } from './copier/throttle';
import { createInProcessProgressBoard } from './progress';
import { createTransferRequester } from './requests';
import { createTransferSaga, type TransferJob } from './saga';

const logger = pino({ level: 'silent' });
const NETWORKS = ['news', 'archive', 'broadcast'] as const;

/**
 * A fetch's transfer (issue 13 item 3): from the replica the store chose,
 * on a node other than the origin, into the target's cache/ with the hub's
 * sidecar, registered as a `cached` replica; through the same saga.
 */
describe.each(['postgres', 'pglite'] as const)('a fetch through the transfer saga on %s', (kind) => {
  let db: TestSql;
  let store: EventStore;
  let dir: string;
  const root = (n: string) => join(dir, n);

  beforeAll(async () => {
    db = await createTestSql(kind);
    store = kind === 'postgres' ? createPostgresEventStore(db.sql) : createPGliteEventStore(db.sql);
    dir = await mkdtemp(join(tmpdir(), 'mxhub-fetch-'));
    for (const n of NETWORKS) await mkdir(root(n), { recursive: true });
  });
  afterAll(async () => {
    await db?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('copies archive’s replica into broadcast’s cache/ (the origin copy gone) and registers it as cached', async () => {
    const content = randomBytes(300 * 1024);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const assetId = uuidv7();
    const archived = join(root('archive'), 'inbox', 'take.wav');
    await mkdir(join(root('archive'), 'inbox'), { recursive: true });
    await writeFile(archived, content);
    const at = new Date().toISOString();
    const m = (actor: string) => ({ correlationId: assetId, causationId: assetId, actor, occurredAt: at });
    const e = (type: string, data: object, actor = 'test') => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: m(actor),
    });
    const staged = join(root('news'), '.mxhub', 'staging', assetId, 'take.wav');
    await store.append(`asset-${assetId}`, [
      e('AssetDetected', { sourceNetwork: 'news', targets: [], originalName: 'take.wav', sizeBytes: content.length }),
      e('AssetIngested', { stagedPath: staged, sizeBytes: content.length, sha256 }),
      e('AssetCleared', { targets: [] }),
      e(
        'FetchRequested',
        { network: 'broadcast', transferId: uuidv7(), sourceNetwork: 'archive', sourcePath: archived },
        'user:op',
      ),
    ]);
    // The staged origin file never existed here: the copy can only have come from archive.
    const [fetched] = (await store.readStream(`asset-${assetId}`)).filter((x) => x.type === 'FetchRequested');
    const transferId = (fetched!.data as { transferId: string }).transferId;
    await createTransferRequester({ store, logger }).handle(fetched!);

    const saga = createTransferSaga(
      {
        store,
        copier: createCopier({ chunkBytes: 64 * 1024, durableEveryBytes: 256 * 1024 }),
        networks: NETWORKS.map((id) => ({ id, root: root(id) })),
        isPaused: () => false,
        nodes: createNodeLayoutMonitor(NETWORKS.map((id) => ({ id, root: root(id), targets: [] }))),
        throttles: () => [createTokenBucket({ bytesPerSecond: null })],
        progress: createInProcessProgressBoard(),
        worker: 'test',
        logger,
      },
      { controlPollMs: 20 },
    );
    const job: Job<TransferJob> = {
      id: `transfer.${transferId}`,
      data: { transferId },
      attempt: 1,
      progress: async () => undefined,
    };
    await saga.run(job, { id: 'normal-1', lane: 'normal' });

    const cache = join(root('broadcast'), 'cache');
    expect((await readdir(cache)).sort()).toEqual(['take.wav', 'take.xml']);
    expect(await readFile(join(cache, 'take.wav'))).toEqual(content);
    expect(await readFile(join(cache, 'take.xml'), 'utf8')).toContain(sha256);
    const stored = (await store.readStream(`asset-${assetId}`)).filter((x) => x.type === 'ReplicaStored');
    expect(stored.map((x) => x.data)).toEqual([
      {
        assetId,
        network: 'broadcast',
        path: join(cache, 'take.wav'),
        sha256,
        transferId,
        kind: 'cached',
        sizeBytes: content.length,
      },
    ]);
    const completed = (await store.readStream(`transfer-${transferId}`)).at(-1)!;
    expect(completed.type).toBe('TransferCompleted');
    expect(await readdir(join(root('broadcast'), 'inbox')).catch(() => [])).toEqual([]);
  });
});
