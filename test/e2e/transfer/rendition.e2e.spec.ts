import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renditionMismatches } from '../../../formats/house-profiles/check';
import { houseProfile } from '../../../formats/house-profiles/profiles';
import { parseSidecarFile } from '../../../formats/sidecar/parse';
import { ffprobe } from '../../../lib/ffmpeg';
import { eicar } from '../../../services/screening/testing/corpus';
import { sha256 } from '../../support/media-corpus';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import {
  dropDir,
  ensureSharedClamd,
  readEvents,
  startScreeningHub,
  until,
  waitForOutcomes,
  writeHubConfig,
  type ScreeningHub,
} from '../screening/support';
import { deleteRedisKeys } from './redis';
import { ensureProductionServices, productionKeys, uniqueName } from './support';

/** A clean H.264/AAC MP4 (1280x720 25 fps, AAC 48 kHz): broadcast's policy refuses AAC and names XDCAM HD422. */
function aacMp4(out: string, frequency: number): Buffer {
  const inputs = ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'];
  inputs.push('-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000`);
  const codecs = ['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...inputs, ...codecs, out], { stdio: 'pipe' });
  return readFileSync(out);
}

/*
 * Issue 14, item 2, on a hub of each profile (production: PostgreSQL, Redis/BullMQ, Kafka): the clean H.264/AAC MP4 dropped for
 * broadcast arrives in broadcast's inbox as XDCAM HD422 MXF with a sidecar
 * naming both hashes; dropped for archive it arrives unchanged; an EICAR
 * payload named .mp4 is quarantined and never rendered.
 */
describe.each(['embedded', 'production'] as const)('transcoding on delivery, %s profile', (profile) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-rendition-'));
  const inbox = (network: string) => join(dataDir, 'networks', network, 'inbox');
  const prefix = uniqueName('rendition');
  let h: ScreeningHub | undefined;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
    if (profile === 'production') {
      await ensureProductionServices();
      db = await createTestDatabase();
    }
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    await db?.drop();
    if (profile === 'production') deleteRedisKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('broadcast gets XDCAM HD422 MXF, archive the original, a hostile file nothing', async () => {
    const extra = db ? { extra: productionKeys(db, prefix) } : {};
    h = await startScreeningHub(dataDir, writeHubConfig(dataDir, extra));
    const hub = h;
    const forBroadcast = aacMp4(join(dataDir, 'a.mp4'), 440);
    const forArchive = aacMp4(join(dataDir, 'b.mp4'), 660);
    const drop = (target: string, name: string, data: Buffer) => {
      mkdirSync(dropDir(dataDir, target), { recursive: true });
      writeFileSync(join(dropDir(dataDir, target), name), data);
    };
    drop('broadcast', 'evening.mp4', forBroadcast);
    drop('archive', 'keep.mp4', forArchive);
    drop('broadcast', 'eicar-clip.mp4', Buffer.concat([eicar(), Buffer.from(' \t'.repeat(40) + '\r\n')]));

    const assets = await waitForOutcomes(hub, ['evening.mp4', 'keep.mp4', 'eicar-clip.mp4'], 120_000);
    const byName = new Map(assets.map((a) => [a.originalName, a]));
    expect(byName.get('eicar-clip.mp4')).toMatchObject({ state: 'quarantined' });
    expect(byName.get('evening.mp4')).toMatchObject({ state: 'cleared' });

    const delivered = join(inbox('broadcast'), 'evening.mxf');
    await until(
      async () => existsSync(delivered) && existsSync(join(inbox('archive'), 'keep.mp4')),
      'the rendition in broadcast’s inbox and the original in archive’s',
      async () => (await readEvents(hub, 'type=RenditionFailed')).map((e) => String(e.data.reason)).join('\n'),
      180_000,
    );

    // Broadcast: the rendition (MPEG-2 4:2:2, PCM 24-bit, MXF), never the MP4, with both hashes in its sidecar.
    expect(renditionMismatches(houseProfile('xdcam-hd422-mxf').result, await ffprobe(delivered))).toEqual([]);
    const probe = await ffprobe(delivered);
    expect(probe.format.format_name).toBe('mxf');
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual([
      'video:mpeg2video',
      'audio:pcm_s24le',
    ]);
    expect(probe.streams[0]).toMatchObject({ pix_fmt: 'yuv422p', width: 1920, height: 1080 });
    expect(existsSync(join(inbox('broadcast'), 'evening.mp4'))).toBe(false);
    const renditionSha = sha256(readFileSync(delivered));
    const sidecar = await parseSidecarFile(join(inbox('broadcast'), 'evening.xml'));
    expect(sidecar.checksum).toBe(renditionSha);
    expect(sidecar.extra).toEqual(
      expect.arrayContaining([
        { key: 'mxhub.rendition.profile', value: 'xdcam-hd422-mxf' },
        { key: 'mxhub.rendition.sha256', value: renditionSha },
        { key: 'mxhub.source.sha256', value: sha256(forBroadcast) },
      ]),
    );
    const created = await readEvents(hub, 'type=RenditionCreated');
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({ sha256: renditionSha, sourceSha256: sha256(forBroadcast) });

    // Archive: byte for byte the dropped file.
    expect(sha256(readFileSync(join(inbox('archive'), 'keep.mp4')))).toBe(sha256(forArchive));

    // The hostile file: quarantined, never transcoded, nothing delivered.
    const eicarId = byName.get('eicar-clip.mp4')!.assetId;
    const requested = await readEvents(hub, 'type=TransferRequested');
    expect(requested.filter((e) => e.data.assetId === eicarId)).toEqual([]);
    expect((await readEvents(hub, 'type=RenditionStarted')).length).toBe(1);
    expect(existsSync(join(inbox('broadcast'), 'eicar-clip.mxf'))).toBe(false);
  }, 360_000);
});
