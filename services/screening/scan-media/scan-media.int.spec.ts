import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSidecar } from '../../../formats/sidecar/write';
import { eicar, elfExecutable } from '../testing/corpus';
import type { ScanReport } from './scan';

const REPO = resolve(__dirname, '../../..');
const CLAMD_PORT = Number(process.env.CLAMD_PORT ?? 13310);

// The shared clamd of ops/clamav (idempotent). In CI a clamd that cannot start
// fails this file; elsewhere it is skipped with the reason.
const clamd = spawnSync('bash', [join(REPO, 'ops/clamav/start.sh')], { encoding: 'utf8', timeout: 120_000 });
if (clamd.status !== 0 && process.env.CI === 'true')
  throw new Error(`clamd could not be started:\n${clamd.stdout}${clamd.stderr}`);
if (clamd.status !== 0) console.warn(`skipping scan-media integration tests, clamd did not start:\n${clamd.stderr}`);
const describeWithClamd = clamd.status === 0 ? describe : describe.skip;

/** One second of broadcast-legal MXF: MPEG-2 1280x720 at 25 fps, 16-bit PCM at 48 kHz. */
function ffmpegMxf(out: string, seconds = 1): void {
  const run = spawnSync(
    'ffmpeg',
    [
      ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', String(seconds)],
      ...['-c:v', 'mpeg2video', '-c:a', 'pcm_s16le', '-ar', '48000', '-f', 'mxf', out],
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
}

describeWithClamd('mxhub scan-media on a generated card, with the real clamd', () => {
  let dir: string;
  let card: string;
  let config: string;
  let newsRoot: string;

  const cli = (...args: string[]) => {
    const run = spawnSync('node', [join(REPO, 'bin/mxhub.js'), 'scan-media', ...args, '--config', config, '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, LOG_LEVEL: 'error' },
    });
    return { code: run.status, report: JSON.parse(run.stdout || '{}') as ScanReport, stderr: run.stderr };
  };
  const verdictOf = (report: ScanReport, path: string) => report.results.find((r) => r.path === path)?.verdict;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxhub-scan-media-int-'));
    card = join(dir, 'card');
    newsRoot = join(dir, 'networks', 'news');
    config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        dataDir: join(dir, 'data'),
        networks: [
          { id: 'news', root: newsRoot },
          { id: 'broadcast', root: join(dir, 'networks', 'broadcast') },
        ],
        // Naming the engines makes both required: the test cannot pass on YARA-X alone.
        screening: { engines: ['clamav', 'yara-x'], clamd: { host: '127.0.0.1', port: CLAMD_PORT } },
      }),
    );
    // P2-like: CONTENTS/VIDEO/*.MXF and the vendor's CONTENTS/CLIP/*.XML.
    await mkdir(join(card, 'CONTENTS/VIDEO'), { recursive: true });
    await mkdir(join(card, 'CONTENTS/CLIP'), { recursive: true });
    ffmpegMxf(join(card, 'CONTENTS/VIDEO/0001AB.MXF'));
    ffmpegMxf(join(card, 'CONTENTS/VIDEO/0002CD.MXF'), 2);
    await writeFile(
      join(card, 'CONTENTS/CLIP/0001AB.XML'),
      '<?xml version="1.0" encoding="UTF-8"?><P2Main xmlns="urn:schemas-Professional-Plug-in:P2:ClipMetadata:v3.1"><ClipContent><ClipName>0001AB</ClipName></ClipContent></P2Main>',
    );
    await writeFile(join(card, 'CONTENTS/VIDEO/0003EF.MXF'), eicar());
    // SxS-like: an executable renamed to a clip.
    await mkdir(join(card, 'Clip'));
    await writeFile(join(card, 'Clip/C0001.MP4'), elfExecutable());
    await writeFile(join(card, 'Clip/C0001M01.XML'), '<?xml version="1.0"?><NonRealTimeMeta/>');
    // Plain USB tree: a clip with an mxhub sidecar that agrees with it.
    await mkdir(join(card, 'USB'));
    ffmpegMxf(join(card, 'USB/story.mxf'));
    const sha256 = createHash('sha256')
      .update(await readFile(join(card, 'USB/story.mxf')))
      .digest('hex');
    await writeFile(
      join(card, 'USB/story.xml'),
      writeSidecar({ title: 'Story', materialId: 'M-42', checksum: sha256, destinations: [], extra: [] }),
    );
    await symlink('/etc/passwd', join(card, 'USB/passwd.mxf'));
    await writeFile(join(card, '._0001AB.MXF'), 'AppleDouble');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('clears the clean media, refuses EICAR and the renamed executable at the right stage, and exits 1', () => {
    const { code, report, stderr } = cli(card, '--network', 'news', '--target', 'broadcast');

    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(report).toMatchObject({ network: 'news', target: 'broadcast', missingEngines: [] });
    expect(verdictOf(report, 'CONTENTS/VIDEO/0001AB.MXF')).toEqual({ outcome: 'passed' });
    expect(verdictOf(report, 'CONTENTS/VIDEO/0002CD.MXF')).toEqual({ outcome: 'passed' });
    expect(verdictOf(report, 'USB/story.mxf')).toEqual({ outcome: 'passed' });
    expect(report.results.find((r) => r.path === 'USB/story.mxf')).toMatchObject({
      sidecar: 'USB/story.xml',
      passed: ['whitelist', 'intrusion', 'antivirus', 'analysis', 'sidecar'],
      technical: { container: 'mxf', videoCodec: 'mpeg2', width: 1280, height: 720, frameRate: 25 },
    });
    expect(verdictOf(report, 'CONTENTS/VIDEO/0003EF.MXF')).toMatchObject({
      outcome: 'refused',
      stage: 'antivirus',
      rule: 'antivirus.infected',
    });
    expect(verdictOf(report, 'Clip/C0001.MP4')).toMatchObject({
      outcome: 'refused',
      stage: 'intrusion',
      rule: 'content.executable',
    });
    expect(report.results.find((r) => r.path === 'Clip/C0001M01.XML')).toMatchObject({
      kind: 'card-metadata',
      verdict: { outcome: 'passed' },
      passed: ['antivirus'],
    });
    expect(report.skipped).toEqual([expect.objectContaining({ relPath: 'USB/passwd.mxf', reason: 'symlink' })]);
    expect(report.counts).toMatchObject({ files: 8, cleared: 6, refused: 2, unavailable: 0 });
  });

  it('--ingest copies only the cleared media (and its sidecar) into drop/<target>/', async () => {
    const { code, report } = cli(card, '--network', 'news', '--ingest');

    expect(code).toBe(1);
    expect(report.target).toBe('broadcast');
    const drop = join(newsRoot, 'drop', 'broadcast');
    expect((await readdir(drop)).sort()).toEqual(['0001AB.MXF', '0002CD.MXF', 'story.mxf', 'story.xml']);
    expect(report.counts).toMatchObject({ ingested: 4, ingestFailed: 0 });

    // A second run never overwrites what the first delivered.
    cli(join(card, 'USB'), '--network', 'news', '--ingest');
    expect((await readdir(drop)).sort()).toEqual([
      '0001AB.MXF',
      '0002CD.MXF',
      'story-1.mxf',
      'story-1.xml',
      'story.mxf',
      'story.xml',
    ]);
  });

  it('exits 0 when everything on the medium is cleared, and 2 for a network that is not configured', () => {
    // The skipped link is reported, not a failure: it is not delivered, and not content of the medium.
    expect(cli(join(card, 'USB'), '--network', 'news').code).toBe(0);
    expect(cli(join(card, 'CONTENTS/VIDEO/0001AB.MXF'), '--network', 'news').code).toBe(0);
    expect(cli(card, '--network', 'sports').code).toBe(2);
  });
});
