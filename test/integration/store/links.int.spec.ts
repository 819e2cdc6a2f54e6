import type { Static } from '@sinclair/typebox';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { assetDecider } from '../../../domain/asset/decide';
import { handleCommand } from '../../../events/handle-command';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { createNodeLayoutMonitor } from '../../../lib/node-layout';
import type { Job } from '../../../lib/work-queue/work-queue';
import { startTestGateway, type TestGateway } from '../../../services/gateway/testing/gateway-fixture';
import { createLinkQueries } from '../../../services/store/links/link-queries';
import { createLinkStats } from '../../../services/store/links/link-stats';
import { linksProjection } from '../../../services/store/links/projection';
import { LinkJson, linkRoutes } from '../../../services/store/routes/links';
import { createCopier } from '../../../services/transfer/copier/copier';
import { createTokenBucket } from '../../../services/transfer/copier/throttle';
import { createInProcessProgressBoard } from '../../../services/transfer/progress';
import { createTransferRequester } from '../../../services/transfer/requests';
import { createTransferSaga, type TransferJob } from '../../../services/transfer/saga';
import { settled } from '../../support/settle';

const logger = pino({ level: 'silent' });
const SIZE = 384 * 1024;
const THROTTLED = 512 * 1024;

/**
 * Measured links on both profiles: real copies by the transfer saga from
 * news to broadcast, through the bandwidth control the transfer service
 * throttles a network with (a token bucket), and the links projection fed the
 * log. The figure follows the link when it is throttled.
 */
describe.each(['postgres', 'pglite'] as const)('measured links on %s (issue 13 item 4)', (kind) => {
  let gw: TestGateway;
  let dir: string;
  let runner: ProjectionRunner;
  const roots = () => ({ news: join(dir, 'news'), broadcast: join(dir, 'broadcast') });
  const bucket = createTokenBucket({ bytesPerSecond: null, burstBytes: 64 * 1024 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mx-links-'));
    await mkdir(join(roots().broadcast, 'inbox'), { recursive: true });
    gw = await startTestGateway(kind, {
      routes: [
        async (app, opts) =>
          app.register(
            linkRoutes({
              networks: ['news', 'broadcast'],
              nominal: [{ from: 'news', to: 'broadcast', mbps: 1000 }],
              queries: createLinkQueries(opts.deps.sql),
            }),
            opts,
          ),
      ],
    });
    runner = createProjectionRunner({ sql: gw.deps.sql, store: gw.store, projections: [linksProjection], logger });
  }, 60_000);

  afterAll(async () => {
    await gw?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  /** A cleared asset on news and its transfer to broadcast, copied by the saga; the links projection caught up. */
  async function copy(): Promise<void> {
    const assetId = uuidv7();
    const content = randomBytes(SIZE);
    const staged = join(roots().news, '.mxhub', 'staging', assetId, `${assetId}.mxf`);
    await mkdir(join(staged, '..'), { recursive: true });
    await writeFile(staged, content);
    const m = {
      correlationId: assetId,
      causationId: assetId,
      actor: 'connector:news',
      occurredAt: new Date().toISOString(),
    };
    const sha256 = createHash('sha256').update(content).digest('hex');
    await gw.store.append(
      `asset-${assetId}`,
      [
        {
          id: uuidv7(),
          type: 'AssetDetected',
          data: {
            assetId,
            sourceNetwork: 'news',
            targets: ['broadcast'],
            originalName: `${assetId}.mxf`,
            sizeBytes: SIZE,
          },
          metadata: m,
        },
        {
          id: uuidv7(),
          type: 'AssetIngested',
          data: { assetId, stagedPath: staged, sizeBytes: SIZE, sha256 },
          metadata: m,
        },
      ],
      'no_stream',
    );
    for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const)
      await handleCommand(
        gw.store,
        `asset-${assetId}`,
        assetDecider,
        { type: 'RecordVerdict', stage, verdict: { passed: true } },
        { actor: 'service:screening', now: new Date().toISOString(), newId: () => uuidv7() },
      );
    await createTransferRequester({ store: gw.store, logger }).request(assetId);
    const requested = (await gw.store.readAll({ types: ['TransferRequested'] })).find(
      (e) => (e.data as { assetId: string }).assetId === assetId,
    )!;
    const transferId = (requested.data as { transferId: string }).transferId;
    const saga = createTransferSaga(
      {
        store: gw.store,
        copier: createCopier({ chunkBytes: 64 * 1024, durableEveryBytes: 256 * 1024 }),
        networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
        isPaused: () => false,
        nodes: createNodeLayoutMonitor([
          { id: 'news', root: roots().news, targets: ['broadcast'] },
          { id: 'broadcast', root: roots().broadcast, targets: ['news'] },
        ]),
        throttles: () => [bucket],
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
    const events = await gw.store.readStream(`transfer-${transferId}`);
    expect(events.at(-1)!.type).toBe('TransferCompleted');
    await settled(gw.store, events.at(-1)!.position);
    await runner.catchUp();
  }

  const link = async () => {
    const res = await gw.request({ url: '/v1/links', headers: gw.as('auditor') });
    expect(res.statusCode).toBe(200);
    return res.json().items as Array<Static<typeof LinkJson>>;
  };

  test('every pair is listed; a link never used is unmeasured, with its nominal speed or unlimited', async () => {
    expect(await link()).toEqual([
      {
        from: 'news',
        to: 'broadcast',
        nominalMbps: 1000,
        measuredMbps: null,
        measuredBytesPerSecond: null,
        samples: 0,
        lastSample: null,
      },
      {
        from: 'broadcast',
        to: 'news',
        nominalMbps: null,
        measuredMbps: null,
        measuredBytesPerSecond: null,
        samples: 0,
        lastSample: null,
      },
    ]);
  });

  test('each completed copy is a sample; throttled, the measured figure falls to the throttle within three copies', async () => {
    await copy();
    await copy();
    const [fast] = await link();
    expect(fast).toMatchObject({ samples: 2 });
    const unthrottled = fast!.measuredBytesPerSecond!;
    expect(unthrottled).toBeGreaterThan(4 * THROTTLED);

    bucket.setRate(THROTTLED);
    const figures: number[] = [];
    for (let i = 0; i < 3; i++) {
      await copy();
      figures.push((await link())[0]!.measuredBytesPerSecond!);
    }
    const [slow] = await link();
    expect(slow!.samples).toBe(5);
    // Each throttled copy pulls the average down, and the last sample is the throttle's rate (a 64 KiB burst).
    expect(figures[0]).toBeLessThan(unthrottled);
    expect(figures[1]).toBeLessThan(figures[0]!);
    expect(figures[2]).toBeLessThan(figures[1]!);
    expect(slow!.lastSample!.bytesPerSecond).toBeGreaterThan(0.8 * THROTTLED);
    expect(slow!.lastSample!.bytesPerSecond).toBeLessThan(1.5 * THROTTLED);
    // After three samples at the throttle an eighth of the unthrottled figure is left (EWMA_ALPHA 0.5).
    expect(slow!.measuredBytesPerSecond!).toBeLessThan(1.5 * THROTTLED + unthrottled / 8);
    expect(slow!.measuredMbps).toBeCloseTo((slow!.measuredBytesPerSecond! * 8) / 1e6, 6);
    expect(Date.parse(slow!.lastSample!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('LinkStats answers the fetch choice from the same figures: measured, else nominal, else unlimited', async () => {
    let up = true;
    const stats = createLinkStats({
      queries: createLinkQueries(gw.deps.sql),
      nominal: [{ from: 'broadcast', to: 'news', mbps: 8 }],
      isUp: () => up,
    });
    await stats.refresh();
    const [measured] = await link();
    expect(stats.bytesPerSecond('news', 'broadcast')).toBeCloseTo(measured!.measuredBytesPerSecond!, 3);
    expect(stats.bytesPerSecond('broadcast', 'news')).toBe(1_000_000);
    expect(stats.bytesPerSecond('archive', 'news')).toBeUndefined();
    expect(stats.queuedBytes('news')).toBe(0);
    expect(stats.isUp('news')).toBe(true);
    up = false;
    expect(stats.isUp('news')).toBe(false);
  });

  test('route × role: admins, operators, auditors and viewers read the links; a connector does not', async () => {
    const expected = { admin: 200, operator: 200, auditor: 200, viewer: 200, connector: 403 } as const;
    for (const [role, status] of Object.entries(expected) as Array<[keyof typeof expected, number]>) {
      const res = await gw.request({ url: '/v1/links', headers: gw.as(role) });
      expect([role, res.statusCode]).toEqual([role, status]);
    }
  });

  test('a replay of the log rebuilds the same figures', async () => {
    const before = await link();
    await gw.deps.sql.query('delete from rm_links');
    await gw.deps.sql.query('delete from rm_link_transfers');
    await gw.deps.sql.query("delete from mx_checkpoints where name = 'projection:links'");
    // A new runner reads the checkpoint again (a running one keeps its position in memory).
    await createProjectionRunner({
      sql: gw.deps.sql,
      store: gw.store,
      projections: [linksProjection],
      logger,
    }).catchUp();
    expect(await link()).toEqual(before);
  });
});
