// The parts alone, on the same file in the same run as the hub: what drop → cleared is held against.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createClamdEngine } from '../../services/screening/engines/clamd';
import type { ScanEngine } from '../../services/screening/engines/scan-engine';
import { createYaraEngine } from '../../services/screening/engines/yara';

const MiB = 2 ** 20;

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Runs a command to its end; rejects on a non-zero exit. */
export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * A 16-bit 48 kHz stereo PCM WAV of `bytes` bytes of quiet noise: a real
 * broadcast WAV, so analysis passes it and every stage runs. Blocks repeat
 * (writing 1 GiB of fresh randomness would take longer than scanning it);
 * `mark` rewrites the first block so that no engine's cache of clean
 * digests (clamd keeps one) has seen the bytes before.
 */
export async function writeWav(file: string, bytes: number): Promise<void> {
  const data = bytes - 44;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(48000, 24);
  header.writeUInt32LE(48000 * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  const block = noise(16 * MiB);
  const fh = await open(file, 'w');
  try {
    await fh.write(header, 0, 44, 0);
    for (let at = 44; at < bytes; at += block.length) await fh.write(block, 0, Math.min(block.length, bytes - at), at);
  } finally {
    await fh.close();
  }
  await mark(file);
}

/** Quiet noise (about -40 dBFS): loud enough to be sound, far from any true-peak limit. */
function noise(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  const seed = randomBytes(bytes / 2);
  for (let i = 0; i < bytes / 2; i += 1) out.writeInt16LE((seed[i]! - 128) * 2, i * 2);
  return out;
}

/** Makes the file's content new to every cache: its first MiB of samples changes. */
export async function mark(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const block = noise(MiB);
    block.writeInt16LE(randomInt(1000), 0);
    await fh.write(block, 0, block.length, 44);
  } finally {
    await fh.close();
  }
}

export interface Baselines {
  clamd: number;
  yara: number;
  sha256sum: number;
}

async function scanAlone(engine: ScanEngine, file: string): Promise<number> {
  await mark(file);
  let outcome = '';
  const ms = await timed(async () => (outcome = (await engine.scanFile(file)).outcome));
  if (outcome !== 'clean') throw new Error(`${engine.name} alone said ${outcome} of ${file}`);
  return ms;
}

/** clamd INSTREAM alone and YARA-X alone through the hub's own adapters, and sha256sum, one after another. */
export async function measureBaselines(file: string): Promise<Baselines> {
  const clamd = await scanAlone(createClamdEngine(), file);
  const yara = await scanAlone(createYaraEngine(), file);
  const sha256sum = await timed(() => run('sha256sum', [file]));
  return { clamd, yara, sha256sum };
}
