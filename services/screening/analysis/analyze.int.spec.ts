import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileSource } from '../intrusion/byte-source';
import { createAnalyzer, type Analyzer } from './analyze';
import { createMediaInfoReader, ReadBudgetError } from './mediainfo';

/*
 * Real media from Debian's ffmpeg, analysed through MediaInfo. Without
 * ffmpeg the suite is skipped locally but fails in CI, where a missing
 * encoder must not pass as green.
 */
const run = promisify(execFile);
const ffmpegAvailable = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const describeWithFfmpeg = ffmpegAvailable || process.env.CI === 'true' ? describe : describe.skip;

const hasEncoder = (name: string) =>
  execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).includes(` ${name} `);

describeWithFfmpeg('deep analysis of media generated with ffmpeg', () => {
  let dir: string;
  let analyzer: Analyzer;
  const path = (name: string) => join(dir, name);
  const ffmpeg = (...args: string[]) => run('ffmpeg', ['-v', 'error', '-y', ...args]);
  const testsrc = (size: string) => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`];
  const sine = ['-f', 'lavfi', '-i', 'sine=sample_rate=48000'];

  beforeAll(async () => {
    if (!ffmpegAvailable) throw new Error('ffmpeg is required for the analysis integration tests (CI=true)');
    dir = await mkdtemp(join(tmpdir(), 'mxhub-analysis-'));
    analyzer = createAnalyzer();
    const videoCodec = hasEncoder('libx264') ? 'libx264' : 'mpeg4';
    await Promise.all([
      ffmpeg(...testsrc('1280x720'), ...sine, '-t', '1', '-c:v', 'mpeg2video', '-c:a', 'pcm_s16le', path('clip.mxf')),
      ffmpeg(...testsrc('320x240'), ...sine, '-t', '1', '-c:v', 'mpeg2video', '-c:a', 'pcm_s16le', path('small.mxf')),
      ffmpeg(
        ...testsrc('320x240'),
        ...sine,
        '-t',
        '1',
        '-c:v',
        videoCodec,
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        path('clip.mp4'),
      ),
      ffmpeg(
        ...testsrc('320x240'),
        ...sine,
        '-t',
        '1',
        '-c:v',
        videoCodec,
        '-pix_fmt',
        'yuv420p',
        '-movflags',
        '+faststart',
        path('fast.mp4'),
      ),
      ffmpeg(...testsrc('320x240'), ...sine, '-t', '1', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', path('clip.mov')),
      ffmpeg(...sine, '-t', '1', '-c:a', 'pcm_s24le', path('voice.wav')),
      ffmpeg(...sine, '-t', '1', '-c:a', 'pcm_s16le', '-rf64', 'always', path('long.wav')),
      ffmpeg(...testsrc('320x240'), '-frames:v', '1', path('still.png')),
      ffmpeg(...testsrc('320x240'), '-frames:v', '1', path('still.jpg')),
    ]);
  });

  afterAll(async () => {
    await analyzer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes `content` under `name` and analyses it for `target`. */
  const analyzeBytes = async (content: Buffer, name: string, target = 'archive') => {
    await writeFile(path(name), content);
    return analyzer.analyze(path(name), name, [target]);
  };

  it('clears a broadcast MXF and reports its technical metadata', async () => {
    const verdict = await analyzer.analyze(path('clip.mxf'), 'clip.mxf', ['broadcast']);
    if (!verdict.passed) throw new Error(`not passed: ${verdict.rule}`);
    expect(verdict).toEqual({
      passed: true,
      targetOutcomes: { broadcast: { outcome: 'accepted' } },
      technical: expect.objectContaining({
        container: 'mxf',
        videoCodec: 'mpeg2',
        width: 1280,
        height: 720,
        frameRate: 25,
        audioCodec: 'pcm',
        channels: 1,
        sampleRate: 48000,
        bitDepth: 16,
      }),
    });
    expect(verdict.technical.durationSeconds).toBeCloseTo(1, 1);
    expect(verdict.technical.bitRate).toBeGreaterThan(0);
  });

  it('clears an MP4, a WAV, a PNG and a JPEG for the archive, analysing them concurrently', async () => {
    const verdicts = await Promise.all(
      ['clip.mp4', 'voice.wav', 'still.png', 'still.jpg'].map((name) =>
        analyzer.analyze(path(name), name, ['archive']),
      ),
    );
    const technical = verdicts.map((verdict) => (verdict.passed ? verdict.technical : undefined));
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, true, true]);
    expect(technical.map((t) => t?.container)).toEqual(['mp4', 'wav', 'png', 'jpeg']);
    expect(technical[0]).toMatchObject({ width: 320, height: 240, frameRate: 25, audioCodec: 'aac' });
    expect(technical[1]).toMatchObject({ audioCodec: 'pcm', sampleRate: 48000, bitDepth: 24, channels: 1 });
    expect(technical[2]).toMatchObject({ videoCodec: 'png', width: 320, height: 240 });
  });

  it('refuses an MP4 cut in half as truncated', async () => {
    const mp4 = await readFile(path('clip.mp4'));
    const verdict = await analyzeBytes(mp4.subarray(0, mp4.length >> 1), 'cut.mp4');
    expect(verdict).toMatchObject({ passed: false, rule: 'analysis.truncated' });
    expect(verdict).not.toHaveProperty('technical');
  });

  it('refuses a fast-start MP4 (moov first) cut inside its media data as truncated', async () => {
    const mp4 = await readFile(path('fast.mp4'));
    const verdict = await analyzeBytes(mp4.subarray(0, mp4.length - 1000), 'cut-fast.mp4');
    expect(verdict).toMatchObject({ passed: false, rule: 'analysis.truncated' });
  });

  it('clears a QuickTime MOV and an RF64 WAV for the archive', async () => {
    expect(await analyzer.analyze(path('clip.mov'), 'clip.mov', ['archive'])).toMatchObject({
      passed: true,
      technical: { container: 'mov', videoCodec: 'mpeg4', audioCodec: 'pcm', sampleRate: 48000 },
    });
    expect(await analyzer.analyze(path('long.wav'), 'long.wav', ['archive'])).toMatchObject({
      passed: true,
      technical: { container: 'wav', audioCodec: 'pcm', bitDepth: 16 },
    });
  });

  it('refuses an MP4 whose moov box is gone', async () => {
    const mp4 = await readFile(path('clip.mp4'));
    const moov = mp4.indexOf('moov', 0, 'latin1') - 4;
    const stripped = Buffer.concat([mp4.subarray(0, moov), mp4.subarray(moov + mp4.readUInt32BE(moov))]);
    expect(await analyzeBytes(stripped, 'no-moov.mp4')).toMatchObject({ passed: false, rule: 'analysis.mp4-no-moov' });
  });

  it('refuses an MXF cut before its footer partition', async () => {
    const mxf = await readFile(path('clip.mxf'));
    const verdict = await analyzeBytes(mxf.subarray(0, mxf.length >> 1), 'cut.mxf', 'broadcast');
    expect(verdict).toMatchObject({ passed: false, rule: 'analysis.mxf-partition' });
  });

  it('refuses a WAV named .mov', async () => {
    const verdict = await analyzeBytes(await readFile(path('voice.wav')), 'interview.mov');
    expect(verdict).toEqual({
      passed: false,
      rule: 'analysis.format-mismatch',
      reason: 'the content is wav but the extension .mov promises mov',
    });
  });

  it('refuses a PNG and a JPEG with bytes appended, without quoting them', async () => {
    const payload = Buffer.from('<?php system($_GET["c"]); ?>');
    for (const name of ['still.png', 'still.jpg']) {
      const verdict = await analyzeBytes(Buffer.concat([await readFile(path(name)), payload]), `tail-${name}`);
      expect(verdict).toMatchObject({ passed: false, rule: 'analysis.trailing-data' });
      expect(JSON.stringify(verdict)).not.toContain('php');
    }
  });

  it('passes a sound file a target refuses, naming for that target the field, the value and what is accepted', async () => {
    const verdict = await analyzer.analyze(path('small.mxf'), 'small.mxf', ['broadcast', 'archive']);
    // The shipped broadcast policy names a house profile: what it refuses is transcoded for it.
    expect(verdict).toMatchObject({
      passed: true,
      technical: { container: 'mxf', width: 320, height: 240 },
      targetOutcomes: {
        broadcast: {
          outcome: 'transcode',
          profile: 'xdcam-hd422-mxf',
          rule: 'policy.resolution',
          reason: "target 'broadcast': resolution is 320x240; accepted: 1920x1080, 1280x720",
        },
        archive: { outcome: 'accepted' },
      },
    });
    expect(await analyzer.analyze(path('voice.wav'), 'voice.wav', ['broadcast'])).toMatchObject({ passed: true });
  });

  it('stops MediaInfo at its read budget and recovers for the next file', async () => {
    const reader = createMediaInfoReader({ maxReadRatio: 0.01, minReadBudget: 8192 });
    try {
      await expect(withFileSource(path('clip.mxf'), (source) => reader.read(source))).rejects.toThrow(ReadBudgetError);
      await expect(withFileSource(path('still.png'), (source) => reader.read(source))).resolves.toMatchObject({
        container: 'png',
      });
    } finally {
      await reader.close();
    }
  });

  it('throws for a target without a policy', async () => {
    await expect(analyzer.analyze(path('clip.mxf'), 'clip.mxf', ['nowhere'])).rejects.toThrow(
      "target 'nowhere' has no analysis policy; known targets: broadcast, news, archive",
    );
  });
});
