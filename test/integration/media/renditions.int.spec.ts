import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pino from 'pino';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { ffprobe } from '../../../lib/ffmpeg';
import { uuidv7 } from '../../../lib/ids';
import { randomUUID } from 'node:crypto';
import { createBullMqWorkQueue } from '../../../lib/work-queue/adapters/bullmq';
import { createInProcessWorkQueue } from '../../../lib/work-queue/adapters/in-process';
import { startTestGateway, type TestGateway } from '../../../services/gateway/testing/gateway-fixture';
import { createMediaManager, type MediaJob, type MediaManager } from '../../../services/media/process-manager';
import { mediaProjection } from '../../../services/media/read-model/projection';
import { createMediaQueries, type MediaQueries } from '../../../services/media/read-model/queries';
import { createRenditionsMaker } from '../../../services/media/renditions-maker';
import { settled } from '../../support/settle';
import { describeWithFfmpeg, makeTestMedia, moovBeforeMdat, sha256Of, type TestMedia } from './media-support';

const logger = pino({ level: 'silent' });

const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The media queue as each profile has it: BullMQ on Redis beside PostgreSQL, in-process beside PGlite. */
const mediaQueue = (kind: 'postgres' | 'pglite') =>
  kind === 'postgres'
    ? createBullMqWorkQueue<MediaJob>(`media-${randomUUID()}`, { connection: REDIS_URL, prefix: 'mxhub-test' })
    : createInProcessWorkQueue<MediaJob>(`media-${kind}`);

/**
 * The media service's process manager on real media made by ffmpeg, on both
 * profiles (PostgreSQL with its jobs on BullMQ, PGlite with the in-process
 * queue): what it makes in the centre store (checked with ffprobe) and what
 * it records, and a truncated MP4 that fails with ffmpeg's reason.
 */
describeWithFfmpeg.each(['postgres', 'pglite'] as const)('browse renditions on %s', (kind) => {
  let gw: TestGateway;
  let dir: string;
  let center: string;
  let media: TestMedia;
  let runner: ProjectionRunner;
  let queries: MediaQueries;
  let manager: MediaManager;
  const queue = mediaQueue(kind);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxhub-media-'));
    center = join(dir, 'center');
    media = await makeTestMedia(join(dir, 'source'));
    gw = await startTestGateway(kind);
    queries = createMediaQueries(gw.deps.sql);
    runner = createProjectionRunner({ sql: gw.deps.sql, store: gw.store, projections: [mediaProjection], logger });
    const make = createRenditionsMaker(center, { filmstripIntervalSeconds: 0.5 });
    manager = createMediaManager({ store: gw.store, queue, make, queries, logger });
    manager.process(1);
  });
  afterAll(async () => {
    await queue.close();
    await gw?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  /** A cleared asset whose origin copy is `file` in its network's staging, as screening leaves it. */
  async function cleared(file: string): Promise<string> {
    const assetId = uuidv7();
    const staged = join(dir, 'nodes', 'news', '.mxhub', 'staging', assetId, basename(file));
    await mkdir(join(staged, '..'), { recursive: true });
    await copyFile(file, staged);
    const sha256 = await sha256Of(staged);
    const facts: Array<[string, object]> = [
      ['AssetDetected', { sourceNetwork: 'news', targets: [], originalName: basename(file), sizeBytes: 1 }],
      ['AssetIngested', { stagedPath: staged, sizeBytes: 1, sha256 }],
      ['AssetCleared', { targets: [] }],
      ['ReplicaStored', { network: 'news', path: staged, sha256, kind: 'origin', sizeBytes: 1 }],
    ];
    const events = facts.map(([type, data]) => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: { correlationId: assetId, causationId: assetId, actor: 'test', occurredAt: new Date().toISOString() },
    }));
    await gw.store.append(`asset-${assetId}`, events, 'no_stream');
    return assetId;
  }

  /** Feeds the asset's events to the manager as its backbone consumer would, and waits for its answer. */
  async function renditionsOf(assetId: string) {
    for (const e of await gw.store.readStream(`asset-${assetId}`)) await manager.handle(e);
    for (let i = 0; i < 600; i++) {
      await project();
      const found = await queries.renditions(assetId);
      if (found.owed === false) return found.byKind;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no renditions recorded for ${assetId} within a minute`);
  }

  const created = (r: unknown) => r as { state: 'created'; path: string; sha256: string; sizeBytes: number };

  test('a 720p H.264/AAC MP4 gets a faststart 640x360 H.264/AAC proxy at about 1 Mbit/s, a poster and a filmstrip', async () => {
    const assetId = await cleared(media.mp4);
    const made = await renditionsOf(assetId);
    expect([...made.keys()].sort()).toEqual(['filmstrip', 'poster', 'proxy']);
    const proxy = made.get('proxy');
    expect(proxy).toMatchObject({ state: 'created', mediaType: 'video/mp4', width: 640, height: 360 });
    const file = join(center, created(proxy).path);
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(video.width).toBeLessThanOrEqual(640);
    expect(video.height).toBeLessThanOrEqual(360);
    const bitRate = Number(probe.format.bit_rate);
    expect(bitRate).toBeGreaterThan(600_000);
    expect(bitRate).toBeLessThan(1_400_000);
    expect(await moovBeforeMdat(file)).toBe(true);
    expect(created(proxy).sha256).toBe(await sha256Of(file));

    const poster = made.get('poster');
    expect(poster).toMatchObject({ state: 'created', mediaType: 'image/jpeg', width: 640, height: 360 });
    const strip = made.get('filmstrip');
    // 2 s at one thumbnail per 0.5 s: four 160x90 tiles in a row.
    expect(strip).toMatchObject({
      ...{ state: 'created', mediaType: 'image/jpeg', width: 640, height: 90 },
      tiles: { count: 4, columns: 4, rows: 1, intervalSeconds: 0.5 },
    });
    expect((await ffprobe(join(center, created(poster).path))).streams[0]?.codec_name).toBe('mjpeg');
    expect((await readdir(join(center, assetId))).sort()).toEqual(['filmstrip.jpg', 'poster.jpg', 'proxy.mp4']);
  });

  test('a PCM WAV gets an AAC proxy (audio/mp4) and a waveform PNG; a PNG a thumbnail', async () => {
    const audio = await renditionsOf(await cleared(media.wav));
    expect(audio.get('proxy')).toMatchObject({ state: 'created', mediaType: 'audio/mp4' });
    const probe = await ffprobe(join(center, created(audio.get('proxy')).path));
    expect(probe.streams.map((s) => s.codec_name)).toEqual(['aac']);
    expect(audio.get('waveform')).toMatchObject({ state: 'created', mediaType: 'image/png', width: 1200, height: 240 });

    const still = await renditionsOf(await cleared(media.png));
    expect([...still.keys()]).toEqual(['thumbnail']);
    expect(still.get('thumbnail')).toMatchObject({
      state: 'created',
      mediaType: 'image/jpeg',
      width: 480,
      height: 360,
    });
  });

  test('a truncated MP4 fails each rendition with ffmpeg’s reason and leaves no file', async () => {
    const assetId = await cleared(media.truncated);
    const made = await renditionsOf(assetId);
    expect([...made.keys()].sort()).toEqual(['filmstrip', 'poster', 'proxy']);
    for (const r of made.values()) {
      expect(r).toMatchObject({ state: 'failed', reason: expect.stringMatching(/moov atom not found/) });
    }
    await expect(readdir(join(center, assetId))).rejects.toThrow(/ENOENT/);
    const failed = (await gw.store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'ProxyFailed');
    expect(failed.map((e) => e.metadata.actor)).toEqual(['service:media', 'service:media', 'service:media']);
  });

  test('a request is answered once: a redelivered clearance and the sweep make nothing again', async () => {
    const assetId = await cleared(media.png);
    await renditionsOf(assetId);
    const before = (await gw.store.readStream(`asset-${assetId}`)).length;
    const [clearance] = (await gw.store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'AssetCleared');
    await manager.run({ assetId, requestedAt: clearance!.version });
    expect(await manager.sweep(86_400_000)).toBe(0);
    expect((await gw.store.readStream(`asset-${assetId}`)).length).toBe(before);
  });
});
