import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { createNodeLayoutMonitor, type NodeLayoutMonitor } from '../../lib/node-layout';
import { isRetryLater, type Job } from '../../lib/work-queue/work-queue';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { handleCommand } from '../../events/handle-command';
import { assetDecider } from '../../domain/asset/decide';
import { createTransferRequester } from './requests';
import { createCopier } from './copier/copier';
import { createTokenBucket } from './copier/throttle';
import { createTransferCommands } from './commands';
import { createInProcessProgressBoard } from './progress';
import { createTransferSaga, type TransferJob } from './saga';
import { transferDecider } from './domain/decide';

const logger = pino({ level: 'silent' });
const meta = { actor: 'user:op', correlationId: 'req-1' };

describe('transfer saga on the real copier', () => {
  let db: TestSql;
  let store: EventStore;
  let dir: string;
  const roots = () => ({ news: join(dir, 'news'), broadcast: join(dir, 'broadcast') });
  // Not started: each step's check probes, and the test probes where the monitor's interval would.
  let nodes: NodeLayoutMonitor;

  beforeAll(async () => {
    db = await createTestSql('pglite');
    store = createPGliteEventStore(db.sql);
    dir = await mkdtemp(join(tmpdir(), 'mxhub-saga-'));
    nodes = createNodeLayoutMonitor([
      { id: 'news', root: roots().news, targets: ['broadcast'] },
      { id: 'broadcast', root: roots().broadcast, targets: ['news'] },
    ]);
    await mkdir(join(roots().broadcast, 'inbox'), { recursive: true });
  });
  afterAll(async () => {
    await db.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  /** A cleared asset whose staged file holds `content`, and its transfer to broadcast; returns the transfer id. */
  async function clearedAsset(name: string, content: Buffer): Promise<{ assetId: string; transferId: string }> {
    const assetId = uuidv7();
    const staging = join(roots().news, '.mxhub', 'staging', assetId);
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, name), content);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const m = {
      correlationId: assetId,
      causationId: assetId,
      actor: 'connector:news',
      occurredAt: new Date().toISOString(),
    };
    await store.append(
      `asset-${assetId}`,
      [
        {
          id: uuidv7(),
          type: 'AssetDetected',
          data: {
            assetId,
            sourceNetwork: 'news',
            targets: ['broadcast'],
            originalName: name,
            sizeBytes: content.length,
          },
          metadata: m,
        },
        {
          id: uuidv7(),
          type: 'AssetIngested',
          data: { assetId, stagedPath: join(staging, name), sizeBytes: content.length, sha256 },
          metadata: m,
        },
      ],
      'no_stream',
    );
    for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const) {
      await handleCommand(
        store,
        `asset-${assetId}`,
        assetDecider,
        {
          type: 'RecordVerdict',
          stage,
          verdict: { passed: true },
        },
        { actor: 'service:screening', now: new Date().toISOString(), newId: () => uuidv7() },
      );
    }
    await createTransferRequester({ store, logger }).request(assetId);
    const [requested] = (await store.readAll({ types: ['TransferRequested'] })).filter(
      (e) => (e.data as { assetId: string }).assetId === assetId,
    );
    return { assetId, transferId: (requested!.data as { transferId: string }).transferId };
  }

  const throttle = createTokenBucket({ bytesPerSecond: null });
  const saga = () =>
    createTransferSaga(
      {
        store,
        copier: createCopier({ chunkBytes: 64 * 1024, durableEveryBytes: 256 * 1024 }),
        networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
        isPaused: () => false,
        nodes,
        throttles: () => [throttle],
        progress: createInProcessProgressBoard(),
        worker: 'test',
        logger,
      },
      { controlPollMs: 20 },
    );
  const job = (transferId: string): Job<TransferJob> => ({
    id: `transfer.${transferId}`,
    data: { transferId },
    attempt: 1,
    progress: async () => undefined,
  });
  const channel = { id: 'normal-1', lane: 'normal' };
  const types = async (transferId: string) => (await store.readStream(`transfer-${transferId}`)).map((e) => e.type);

  it('delivers the file and the hub sidecar, registers one replica, and a second run changes nothing', async () => {
    const content = randomBytes(700 * 1024);
    const { assetId, transferId } = await clearedAsset('clip.mxf', content);
    await saga().run(job(transferId), channel);
    expect(await types(transferId)).toEqual([
      'TransferRequested',
      'TransferStarted',
      'TransferReserved',
      'TransferVerified',
      'TransferCommitted',
      'TransferCompleted',
    ]);
    expect(await readFile(join(roots().broadcast, 'inbox', 'clip.mxf'))).toEqual(content);
    const sidecar = await readFile(join(roots().broadcast, 'inbox', 'clip.xml'), 'utf8');
    expect(sidecar).toContain(createHash('sha256').update(content).digest('hex'));
    expect(sidecar).toContain(assetId);
    await saga().run(job(transferId), channel);
    const replicas = (await store.readStream(`asset-${assetId}`)).filter(
      (e) => e.type === 'ReplicaStored' && (e.data as { network: string }).network === 'broadcast',
    );
    expect(replicas).toHaveLength(1);
    expect(replicas[0]!.data).toMatchObject({ network: 'broadcast', transferId });
    expect(await readdir(join(roots().broadcast, '.mxhub', 'partial'))).toEqual([]);
  });

  /** The replicas the hub delivered to broadcast (the origin copy on news is a replica too). */
  const deliveredReplicas = async (assetId: string) =>
    (await store.readStream(`asset-${assetId}`)).filter(
      (e) => e.type === 'ReplicaStored' && (e.data as { network: string }).network === 'broadcast',
    );

  it('a crash between commit and registration registers the replica once on the next run', async () => {
    const { assetId, transferId } = await clearedAsset('late.mxf', randomBytes(100 * 1024));
    const s = saga();
    // Run to the commit, then "crash": drop the TransferCompleted the next pass would append.
    const appendOriginal = store.append.bind(store);
    let crashed = false;
    (store as { append: EventStore['append'] }).append = async (stream, events, expected) => {
      if (!crashed && events.some((e) => e.type === 'TransferCompleted')) {
        crashed = true;
        throw new Error('killed');
      }
      return appendOriginal(stream, events, expected);
    };
    await expect(s.run(job(transferId), channel)).rejects.toThrow('killed');
    (store as { append: EventStore['append'] }).append = appendOriginal;
    await saga().run(job(transferId), channel);
    expect((await types(transferId)).filter((t) => t === 'TransferCompleted')).toHaveLength(1);
    expect(await deliveredReplicas(assetId)).toHaveLength(1);
  });

  it('a transfer whose commit was recorded alone (the saga before commit and completion were one append) is registered and completed', async () => {
    const { assetId, transferId } = await clearedAsset('older.mxf', randomBytes(50 * 1024));
    const appendOriginal = store.append.bind(store);
    (store as { append: EventStore['append'] }).append = async (stream, events, expected) => {
      if (events.some((e) => e.type === 'TransferCompleted')) throw new Error('killed');
      return appendOriginal(stream, events, expected);
    };
    await expect(saga().run(job(transferId), channel)).rejects.toThrow('killed');
    (store as { append: EventStore['append'] }).append = appendOriginal;
    const path = join(roots().broadcast, 'inbox', 'older.mxf');
    const context = { actor: 'service:transfer/old', now: new Date().toISOString(), newId: () => uuidv7() };
    await handleCommand(store, `transfer-${transferId}`, transferDecider, { type: 'RecordCommitted', path }, context);
    await saga().run(job(transferId), channel);
    const after = await types(transferId);
    expect(after.filter((t) => t === 'TransferCommitted')).toHaveLength(1);
    expect(after[after.length - 1]).toBe('TransferCompleted');
    expect(await deliveredReplicas(assetId)).toHaveLength(1);
  });

  it('a missing source fails for good with the reason, is compensated, and nothing reaches the inbox', async () => {
    const { assetId, transferId } = await clearedAsset('gone.mxf', randomBytes(10 * 1024));
    await rm(join(roots().news, '.mxhub', 'staging', assetId), { recursive: true });
    await saga().run(job(transferId), channel);
    const events = await store.readStream(`transfer-${transferId}`);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['TransferFailed', 'TransferCompensated']);
    expect(events.at(-2)!.data).toMatchObject({ retryable: false, step: 'copy' });
    expect(existsSync(join(roots().broadcast, 'inbox', 'gone.mxf'))).toBe(false);
  });

  it('cancel during the copy stops at a chunk boundary and compensates; pause then resume finishes the copy', async () => {
    const slow = createTokenBucket({ bytesPerSecond: 512 * 1024, burstBytes: 64 * 1024 });
    const commands = createTransferCommands({
      store,
      progress: createInProcessProgressBoard(),
      networks: ['news', 'broadcast'],
    });
    const slowSaga = createTransferSaga(
      {
        store,
        copier: createCopier({ chunkBytes: 64 * 1024, durableEveryBytes: 128 * 1024 }),
        networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
        isPaused: () => false,
        nodes,
        throttles: () => [slow],
        progress: createInProcessProgressBoard(),
        worker: 'test',
        logger,
      },
      { controlPollMs: 20 },
    );
    const cancelled = await clearedAsset('cancel.mxf', randomBytes(2 * 1024 * 1024));
    const running = slowSaga.run(job(cancelled.transferId), channel);
    await new Promise((r) => setTimeout(r, 400));
    await commands.cancel(cancelled.transferId, 'wrong clip', meta);
    await running;
    expect((await types(cancelled.transferId)).slice(-2)).toEqual(['TransferCancelled', 'TransferCompensated']);
    expect(await readdir(join(roots().broadcast, '.mxhub', 'partial'))).toEqual([]);

    const paused = await clearedAsset('pause.mxf', randomBytes(2 * 1024 * 1024));
    const first = slowSaga.run(job(paused.transferId), channel);
    await new Promise((r) => setTimeout(r, 800));
    await commands.pause(paused.transferId, 'later', meta);
    await first;
    expect((await types(paused.transferId)).at(-1)).toBe('TransferPaused');
    await commands.resume(paused.transferId, meta);
    slow.setRate(null);
    await slowSaga.run(job(paused.transferId), channel);
    expect((await types(paused.transferId)).at(-1)).toBe('TransferCompleted');
    expect(
      (await store.readStream(`transfer-${paused.transferId}`)).filter((e) => e.type === 'TransferStarted'),
    ).toHaveLength(2);
  });

  it('a cancelled transfer, once compensated, is retried and runs again from the start to delivery', async () => {
    const slow = createTokenBucket({ bytesPerSecond: 512 * 1024, burstBytes: 64 * 1024 });
    const commands = createTransferCommands({
      store,
      progress: createInProcessProgressBoard(),
      networks: ['news', 'broadcast'],
    });
    const slowSaga = createTransferSaga(
      {
        store,
        copier: createCopier({ chunkBytes: 64 * 1024, durableEveryBytes: 128 * 1024 }),
        networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
        isPaused: () => false,
        nodes,
        throttles: () => [slow],
        progress: createInProcessProgressBoard(),
        worker: 'test',
        logger,
      },
      { controlPollMs: 20 },
    );
    const content = randomBytes(1024 * 1024);
    const { transferId } = await clearedAsset('again.mxf', content);
    const running = slowSaga.run(job(transferId), channel);
    await new Promise((r) => setTimeout(r, 400));
    await commands.cancel(transferId, 'wrong clip', meta);
    await running;
    expect((await types(transferId)).slice(-2)).toEqual(['TransferCancelled', 'TransferCompensated']);

    await commands.retry(transferId, 'the right clip after all', meta);
    await saga().run(job(transferId), channel);
    const after = (await types(transferId)).slice((await types(transferId)).indexOf('TransferRetried'));
    expect(after).toEqual([
      'TransferRetried',
      'TransferStarted',
      'TransferReserved',
      'TransferVerified',
      'TransferCommitted',
      'TransferCompleted',
    ]);
    expect(await readFile(join(roots().broadcast, 'inbox', 'again.mxf'))).toEqual(content);
  });

  it('a paused network is not written to: the job is retried later', async () => {
    const { transferId } = await clearedAsset('wait.mxf', randomBytes(1024));
    const s = createTransferSaga({
      store,
      copier: createCopier(),
      networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
      isPaused: (n) => n === 'broadcast',
      nodes,
      throttles: () => [],
      progress: createInProcessProgressBoard(),
      worker: 'test',
      logger,
    });
    const err = await s.run(job(transferId), channel).catch((e: unknown) => e);
    expect(isRetryLater(err)).toBe(true);
    expect(await types(transferId)).toEqual(['TransferRequested']);
  });

  it('an unsound target node is not written to: the job waits, and the transfer completes once it is repaired', async () => {
    const content = randomBytes(100 * 1024);
    const { transferId } = await clearedAsset('unsound.mxf', content);
    const inbox = join(roots().broadcast, 'inbox');
    const outside = join(dir, 'outside');
    await mkdir(outside, { recursive: true });
    const replaceInbox = async () => {
      await rm(inbox, { recursive: true });
      await symlink(outside, inbox);
    };
    const restoreInbox = async () => {
      await unlink(inbox);
      await mkdir(inbox);
      await nodes.check('broadcast');
    };
    const copier = createCopier();
    const s = (verified?: () => Promise<void>) =>
      createTransferSaga({
        store,
        copier: { ...copier, verify: async (j, r) => (await copier.verify(j, r), await verified?.()) },
        networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
        isPaused: () => false,
        nodes,
        throttles: () => [],
        progress: createInProcessProgressBoard(),
        worker: 'test',
        logger,
      });

    // Unsound before the transfer starts (and probed): it does not start.
    await replaceInbox();
    await nodes.check('broadcast');
    const before = await s()
      .run(job(transferId), channel)
      .catch((e: unknown) => e);
    expect(isRetryLater(before)).toBe(true);
    expect((before as Error).message).toBe(
      `the node of network broadcast is unsound: ${inbox} is a symbolic link to ${outside}`,
    );
    expect(await types(transferId)).toEqual(['TransferRequested']);
    await restoreInbox();

    // Turns unsound while the copy runs: verified, but not committed.
    const during = await s(replaceInbox)
      .run(job(transferId), channel)
      .catch((e: unknown) => e);
    expect(isRetryLater(during)).toBe(true);
    expect((await types(transferId)).at(-1)).toBe('TransferVerified');
    expect(await readdir(outside)).toEqual([]);

    await restoreInbox();
    await s().run(job(transferId), channel);
    expect((await types(transferId)).at(-1)).toBe('TransferCompleted');
    expect(await readFile(join(inbox, 'unsound.mxf'))).toEqual(content);
    expect(await readdir(outside)).toEqual([]);
  });
});
