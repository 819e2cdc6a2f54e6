// Generates the benchmark's files: small PCM WAV files (clean, broadcast-legal,
// each with its own tone so no two share a digest) and MXF clips made by
// ffmpeg (MPEG-2 1280x720 at 25 fps, 16-bit PCM at 48 kHz: they pass the
// broadcast policy, so every stage runs on them). ffmpeg writes random
// package UIDs, so every clip is unique too: clamd caches the digests of
// clean files, and a file scanned twice would be nearly free the second time.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;
/** Video bit rate of the clips; the duration is chosen to reach the size asked for. */
const BITS_PER_SECOND = 64_000_000;

/** A mono 16-bit 48 kHz WAV of about `bytes` bytes, a sine of a random pitch. */
export function wav(bytes: number): Buffer {
  const samples = Math.max(1, Math.floor((bytes - 44) / 2));
  const data = Buffer.alloc(samples * 2);
  const hz = 200 + randomInt(2000);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 48000)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(48000, 24);
  header.writeUInt32LE(48000 * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** An MXF clip of about `bytes` bytes made by ffmpeg. */
export function mxf(out: string, bytes: number): void {
  const seconds = Math.max(1, (bytes * 8) / BITS_PER_SECOND).toFixed(2);
  const rate = `${BITS_PER_SECOND / 1e6}M`;
  const run = spawnSync(
    'ffmpeg',
    [
      ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', seconds],
      ...['-c:v', 'mpeg2video', '-b:v', rate, '-minrate', rate, '-maxrate', rate, '-bufsize', '16M'],
      ...['-c:a', 'pcm_s16le', '-ar', '48000', '-f', 'mxf', out],
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`ffmpeg failed (is Debian's ffmpeg installed?): ${run.stderr}`);
}

export interface MixedCorpus {
  dir: string;
  files: string[];
  bytes: number;
}

/** `small` WAV files of 4 to 64 KiB and one MXF clip per size in `largeMiB`, in a flat folder. */
export async function mixedCorpus(dir: string, small: number, largeMiB: number[]): Promise<MixedCorpus> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < small; i++) {
    const content = wav(4 * 1024 + randomInt(60 * 1024));
    const file = join(dir, `sting-${String(i).padStart(4, '0')}.wav`);
    await writeFile(file, content);
    files.push(file);
    bytes += content.length;
  }
  for (const [i, size] of largeMiB.entries()) {
    const file = join(dir, `clip-${i}.mxf`);
    mxf(file, size * MiB);
    files.push(file);
    bytes += (await stat(file)).size;
  }
  return { dir, files, bytes };
}

/**
 * A P2-like card of about `bytes` bytes: CONTENTS/VIDEO/<clip>.MXF of up to
 * 256 MiB each, the vendor's CONTENTS/CLIP/<clip>.XML beside them.
 */
export async function p2Card(root: string, bytes: number): Promise<void> {
  const video = join(root, 'CONTENTS', 'VIDEO');
  const clip = join(root, 'CONTENTS', 'CLIP');
  await mkdir(video, { recursive: true });
  await mkdir(clip, { recursive: true });
  const clipBytes = 256 * MiB;
  for (let i = 0, left = bytes; left > 0; i++, left -= clipBytes) {
    const name = `${String(i).padStart(4, '0')}AB`;
    mxf(join(video, `${name}.MXF`), Math.min(clipBytes, Math.max(left, MiB)));
    await writeFile(
      join(clip, `${name}.XML`),
      `<?xml version="1.0" encoding="UTF-8"?><P2Main xmlns="urn:schemas-Professional-Plug-in:P2:ClipMetadata:v3.1"><ClipContent><ClipName>${name}</ClipName></ClipContent></P2Main>`,
    );
  }
}
