import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ffmpegAvailable = (() => {
  try {
    execFileSync('/usr/bin/ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** Skipped locally without ffmpeg; in CI (CI=true) a missing ffmpeg fails the suite instead. */
export const describeWithFfmpeg = ffmpegAvailable || process.env.CI === 'true' ? describe : describe.skip;

export interface TestMedia {
  /** 2 s H.264/AAC MP4 1280x720 25 fps, busy enough (noise) that a 1 Mbit/s proxy spends its bits. */
  mp4: string;
  /** 2 s PCM WAV 48 kHz stereo. */
  wav: string;
  /** An 800x600 PNG. */
  png: string;
  /** The MP4's first half: its index (moov, written last) is cut off. */
  truncated: string;
}

/** Makes the test media with Debian's ffmpeg into `dir`. */
export async function makeTestMedia(dir: string): Promise<TestMedia> {
  await mkdir(dir, { recursive: true });
  const ffmpeg = (...args: string[]) => run('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args]);
  const media = {
    mp4: join(dir, 'clip.mp4'),
    wav: join(dir, 'tone.wav'),
    png: join(dir, 'still.png'),
    truncated: join(dir, 'cut.mp4'),
  };
  await ffmpeg(
    ...[
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
    ],
    ...['-t', '2', '-vf', 'noise=alls=30:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30'],
    ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', media.mp4],
  );
  await ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '2',
    '-ac',
    '2',
    '-c:a',
    'pcm_s16le',
    media.wav,
  );
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=800x600', '-frames:v', '1', media.png);
  const bytes = await readFile(media.mp4);
  await writeFile(media.truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return media;
}

export const sha256Of = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** True when the MP4's moov box comes before its mdat box (faststart), read from the top-level boxes. */
export async function moovBeforeMdat(path: string): Promise<boolean> {
  const bytes = await readFile(path);
  for (let at = 0; at + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'moov') return true;
    if (type === 'mdat') return false;
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size < 8) return false;
    at += size;
  }
  return false;
}
