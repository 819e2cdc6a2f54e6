import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { handleCommand } from '../../../events/handle-command';
import { createPGliteEventStore } from '../../../events/store/adapters/pglite';
import { createPostgresEventStore } from '../../../events/store/adapters/postgres';
import type { EventStore } from '../../../events/store/event-store';
import { renditionMismatches } from '../../../formats/house-profiles/check';
import { houseProfile } from '../../../formats/house-profiles/profiles';
import { parseSidecarFile } from '../../../formats/sidecar/parse';
import { ffprobe } from '../../../lib/ffmpeg';
import { uuidv7 } from '../../../lib/ids';
import { createNodeLayoutMonitor } from '../../../lib/node-layout';
import type { Job } from '../../../lib/work-queue/work-queue';
import { createTestSql, type TestSql } from '../../../test/support/pg';
import { createTransferCommands } from '../commands';
import { createCopier } from '../copier/copier';
import { createTokenBucket } from '../copier/throttle';
import { transferDecider } from '../domain/decide';
import { createInProcessProgressBoard, type ProgressBoard } from '../progress';
import { createTransferSaga, type TransferJob } from '../saga';
import { createRenderer, renditionDir, type CheckRendition } from './renderer';

const logger = pino({ level: 'silent' });
const PROFILE = 'xdcam-hd422-mxf';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A small H.264/AAC MP4 made by ffmpeg; `seconds` long, moov at the end (no faststart), so a truncated copy is corrupt. */
function mp4(out: string, seconds: number): Buffer {
  const lavfi = ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25`, '-f', 'lavfi', '-i', 'sine=sample_rate=44100'];
  const codecs = [
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
  ];
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...lavfi, ...codecs, out], { stdio: 'pipe' });
  return readFileSync(out);
}

// The hub checks renditions with screening's analysis (hub/parts/transfer.ts); the transfer service may not import
// screening, so here the check is ffprobe against what the profile promises.
const probeCheck: CheckRendition = async (path) => {
  const wrong = renditionMismatches(houseProfile(PROFILE).result, await ffprobe(path));
  return wrong.length ? { ok: false, rule: 'profile', reason: wrong.join('; ') } : { ok: true };
};

describe.each(['postgres', 'pglite'] as const)(
  'a transfer delivered as a rendition on %s, real copier and ffmpeg',
  (kind) => {
    let db: TestSql;
    let store: EventStore;
    let dir: string;
    let clip: Buffer;
    const roots = () => ({ news: join(dir, 'news'), broadcast: join(dir, 'broadcast') });
    const inbox = () => join(roots().broadcast, 'inbox');

    beforeAll(async () => {
      db = await createTestSql(kind);
      store = kind === 'postgres' ? createPostgresEventStore(db.sql) : createPGliteEventStore(db.sql);
      dir = await mkdtemp(join(tmpdir(), 'mxhub-render-'));
      await mkdir(inbox(), { recursive: true });
      clip = mp4(join(dir, 'clip.mp4'), 1);
    });
    afterAll(async () => {
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    /** An ingested asset on news whose staged file holds `content`, and its transfer to broadcast as a rendition. */
    async function renditionTransfer(name: string, content: Buffer) {
      const assetId = uuidv7();
      const staging = join(roots().news, '.mxhub', 'staging', assetId);
      await mkdir(staging, { recursive: true });
      await writeFile(join(staging, name), content);
      const m = {
        correlationId: assetId,
        causationId: assetId,
        actor: 'connector:news',
        occurredAt: new Date().toISOString(),
      };
      const detected = {
        assetId,
        sourceNetwork: 'news',
        targets: ['broadcast'],
        originalName: name,
        sizeBytes: content.length,
      };
      const ingested = { assetId, stagedPath: join(staging, name), sizeBytes: content.length, sha256: sha256(content) };
      await store.append(
        `asset-${assetId}`,
        [
          { id: uuidv7(), type: 'AssetDetected', data: detected, metadata: m },
          { id: uuidv7(), type: 'AssetIngested', data: ingested, metadata: m },
        ],
        'no_stream',
      );
      const transferId = uuidv7();
      const request = {
        transferId,
        assetId,
        sourceNetwork: 'news',
        targetNetwork: 'broadcast',
        lane: 'normal' as const,
        priority: 5,
        sizeBytes: content.length,
        sha256: ingested.sha256,
        rendition: { profile: PROFILE },
      };
      const context = {
        actor: 'service:transfer',
        now: new Date().toISOString(),
        newId: () => uuidv7(),
        correlationId: assetId,
        causationId: assetId,
      };
      await handleCommand(store, `transfer-${transferId}`, transferDecider, { type: 'Request', request }, context);
      return { assetId, transferId };
    }

    const nodes = () =>
      createNodeLayoutMonitor([
        { id: 'news', root: roots().news, targets: ['broadcast'] },
        { id: 'broadcast', root: roots().broadcast, targets: ['news'] },
      ]);
    const throttle = createTokenBucket({ bytesPerSecond: null });
    const saga = (renderer = createRenderer({ checkRendition: probeCheck }), progress?: ProgressBoard) =>
      createTransferSaga(
        {
          store,
          copier: createCopier(),
          networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
          isPaused: () => false,
          nodes: nodes(),
          throttles: () => [throttle],
          progress: progress ?? createInProcessProgressBoard(),
          renderer,
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
    const events = (transferId: string) => store.readStream(`transfer-${transferId}`);

    it('renders the MP4 into XDCAM HD422 MXF, then delivers the rendition with a sidecar naming both hashes', async () => {
      const { assetId, transferId } = await renditionTransfer('evening.mp4', clip);
      await saga().run(job(transferId), channel);
      const stream = await events(transferId);
      expect(stream.map((e) => e.type)).toEqual([
        'TransferRequested',
        'TransferStarted',
        'RenditionStarted',
        'RenditionCreated',
        'TransferReserved',
        'TransferVerified',
        'TransferCommitted',
        'TransferCompleted',
      ]);
      const created = stream[3]!.data as { sha256: string; sizeBytes: number; sourceSha256: string; profile: string };
      expect(created).toMatchObject({ profile: PROFILE, sourceSha256: sha256(clip) });

      const delivered = join(inbox(), 'evening.mxf');
      const bytes = await readFile(delivered);
      expect(sha256(bytes)).toBe(created.sha256);
      expect(renditionMismatches(houseProfile(PROFILE).result, await ffprobe(delivered))).toEqual([]);
      expect(existsSync(join(inbox(), 'evening.mp4'))).toBe(false);

      const sidecar = await parseSidecarFile(join(inbox(), 'evening.xml'));
      expect(sidecar.checksum).toBe(created.sha256);
      expect(sidecar.extra).toEqual(
        expect.arrayContaining([
          { key: 'mxhub.rendition.profile', value: PROFILE },
          { key: 'mxhub.rendition.sha256', value: created.sha256 },
          { key: 'mxhub.source.sha256', value: sha256(clip) },
        ]),
      );
      // The replica on broadcast is the rendition (the fixity audit hashes what is there); the rendition is gone.
      const replica = (await store.readStream(`asset-${assetId}`)).find((e) => e.type === 'ReplicaStored');
      expect(replica?.data).toMatchObject({ sha256: created.sha256, sizeBytes: bytes.length, path: delivered });
      expect(existsSync(renditionDir(roots().news, transferId))).toBe(false);
    });

    it('a rendition recorded whole is not made again after a crash; one found damaged is', async () => {
      let renders = 0;
      const real = createRenderer({ checkRendition: probeCheck });
      const counting = { ...real, render: (j: Parameters<typeof real.render>[0]) => ((renders += 1), real.render(j)) };
      const { transferId } = await renditionTransfer('resume.mp4', clip);
      // The hub "crashes" once the rendition is recorded: the copier's reservation throws what is no step failure.
      const crashing = createCopier();
      const original = crashing.reserve;
      crashing.reserve = async () => {
        throw new Error('the hub died');
      };
      await expect(
        createTransferSaga(
          {
            store,
            copier: crashing,
            networks: Object.entries(roots()).map(([id, root]) => ({ id, root })),
            isPaused: () => false,
            nodes: nodes(),
            throttles: () => [throttle],
            progress: createInProcessProgressBoard(),
            renderer: counting,
            worker: 'crashing',
            logger,
          },
          { controlPollMs: 20 },
        ).run(job(transferId), channel),
      ).rejects.toThrow('the hub died');
      crashing.reserve = original;
      expect((await events(transferId)).map((e) => e.type).at(-1)).toBe('RenditionCreated');
      expect(renders).toBe(1);

      // Damaged meanwhile (a cut file): made again before the copy, then delivered.
      const made = (await events(transferId)).at(-1)!.data as { path: string };
      await truncate(made.path, 1000);
      await saga(counting).run(job(transferId), channel);
      expect(renders).toBe(2);
      const types = (await events(transferId)).map((e) => e.type);
      expect(types.filter((t) => t === 'RenditionCreated')).toHaveLength(2);
      expect(types.at(-1)).toBe('TransferCompleted');
      expect(existsSync(join(inbox(), 'resume.mxf'))).toBe(true);
    });

    it('a corrupt input fails the transfer with ffmpeg’s reason; no partial rendition, nothing delivered', async () => {
      const cut = clip.subarray(0, Math.floor(clip.length / 2));
      const { transferId } = await renditionTransfer('cut.mp4', cut);
      await saga().run(job(transferId), channel);
      const stream = await events(transferId);
      expect(stream.map((e) => e.type).slice(-4)).toEqual([
        'RenditionStarted',
        'RenditionFailed',
        'TransferFailed',
        'TransferCompensated',
      ]);
      const failed = stream.find((e) => e.type === 'RenditionFailed')!.data as { reason: string };
      expect(failed.reason).toMatch(/^rendering cut\.mp4 as xdcam-hd422-mxf failed: ffmpeg exited with code \d+/);
      expect(failed.reason).toMatch(/moov atom not found/);
      expect(stream.find((e) => e.type === 'TransferFailed')!.data).toMatchObject({ step: 'render', retryable: false });
      expect(existsSync(renditionDir(roots().news, transferId))).toBe(false);
      expect((await readdir(inbox())).filter((f) => f.startsWith('cut.'))).toEqual([]);
    });

    it('a rendition the target’s policy refuses is never delivered', async () => {
      const refuse: CheckRendition = async () => ({
        ok: false,
        rule: 'policy.audioCodec',
        reason: 'audioCodec is pcm',
      });
      const { transferId } = await renditionTransfer('refused.mp4', clip);
      await saga(createRenderer({ checkRendition: refuse })).run(job(transferId), channel);
      const failed = (await events(transferId)).find((e) => e.type === 'RenditionFailed')!.data as { reason: string };
      expect(failed.reason).toContain("does not meet broadcast's policy (policy.audioCodec): audioCodec is pcm");
      expect(existsSync(renditionDir(roots().news, transferId))).toBe(false);
      expect((await readdir(inbox())).filter((f) => f.startsWith('refused.'))).toEqual([]);
    });

    it('cancelling a transfer while it renders kills ffmpeg and removes the partial rendition', async () => {
      const long = mp4(join(dir, 'long.mp4'), 60);
      const { transferId } = await renditionTransfer('long.mp4', long);
      const progress = createInProcessProgressBoard();
      const running = saga(undefined, progress).run(job(transferId), channel);
      // Cancel once ffmpeg reports progress: it is rendering then.
      for (let i = 0; i < 600 && !(await progress.read([transferId]))[transferId]?.rendering; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await progress.read([transferId]))[transferId]?.rendering).toMatchObject({ profile: PROFILE });
      const commands = createTransferCommands({ store, progress, networks: ['news', 'broadcast'] });
      await commands.cancel(transferId, 'wrong clip', { actor: 'user:op', correlationId: 'req-1' });
      await running;
      const types = (await events(transferId)).map((e) => e.type);
      expect(types).not.toContain('RenditionCreated');
      expect(types.slice(-2)).toEqual(['TransferCancelled', 'TransferCompensated']);
      // No ffmpeg left writing into the transfer's rendition folder, and the folder is gone.
      const ps = execFileSync('ps', ['-eo', 'args']).toString();
      expect(ps).not.toContain(renditionDir(roots().news, transferId));
      expect(existsSync(renditionDir(roots().news, transferId))).toBe(false);
      expect((await readdir(inbox())).filter((f) => f.startsWith('long.'))).toEqual([]);
    });
  },
);
