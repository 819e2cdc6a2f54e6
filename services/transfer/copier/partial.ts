import { createHash, type Hash } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sidecar } from '../../../formats/sidecar/sidecar';
import { errnoOf } from './errors';

/** What the copier needs to know of one transfer (the saga's CopyJob). */
export interface CopyJob {
  transferId: string;
  /** The staged source on the source network's node. */
  source: string;
  /** SHA-256 (hex) recorded when the asset was claimed. */
  sha256: string;
  sizeBytes: number;
  /** The target network's node root; the file goes to `<targetRoot>/<folder>/`. */
  targetRoot: string;
  /** `inbox` for a delivery, `cache` for a fetched copy (evictable). @default 'inbox' */
  folder?: 'inbox' | 'cache';
  /** A repair: the damaged replica's file, written in place of `folder` (services/transfer/copier/restore-step.ts). */
  restorePath?: string;
  /** The name the file is delivered under. */
  fileName: string;
  /** The hub's sidecar (formats/sidecar), written beside the file when given. */
  sidecar?: Sidecar;
}

/**
 * Where a transfer's temporary files live on the target node: in the hub's
 * own folder on the same file system as inbox/, so publishing is a rename
 * (or link) and never a copy, and out of sight of whoever watches inbox/.
 */
export function partialPaths(job: Pick<CopyJob, 'targetRoot' | 'transferId' | 'folder'>) {
  const dir = join(job.targetRoot, '.mxhub', 'partial');
  const part = join(dir, `${job.transferId}.part`);
  return {
    dir,
    part,
    record: `${part}.json`,
    sidecar: join(dir, `${job.transferId}.xml.part`),
    // A fetch publishes into cache/ exactly as a delivery does into inbox/.
    inbox: join(job.targetRoot, job.folder ?? 'inbox'),
  };
}

/** The durable offset record beside a .part: which file it belongs to and how much of it is on disk. */
interface OffsetRecord {
  transferId: string;
  sha256: string;
  sizeBytes: number;
  durableBytes: number;
}

/**
 * The offset a copy may resume from: the recorded durable offset, if the
 * record belongs to this very job and the .part still holds that many bytes;
 * else 0. A record that cannot be read (torn by a crash) means start again.
 */
export async function durableOffset(job: CopyJob): Promise<number> {
  const p = partialPaths(job);
  let record: OffsetRecord;
  try {
    record = JSON.parse(await readFile(p.record, 'utf8')) as OffsetRecord;
  } catch {
    return 0;
  }
  const same =
    record.transferId === job.transferId &&
    record.sha256 === job.sha256 &&
    record.sizeBytes === job.sizeBytes &&
    Number.isSafeInteger(record.durableBytes) &&
    record.durableBytes >= 0 &&
    record.durableBytes <= job.sizeBytes;
  if (!same) return 0;
  const size = await stat(p.part).then(
    (s) => s.size,
    () => -1,
  );
  return size >= record.durableBytes ? record.durableBytes : 0;
}

/**
 * Records `durableBytes` as safely on disk. Call only after the .part was
 * fsynced up to there. Written to a temporary name and renamed, so a crash
 * leaves the old record or the new one, never half of one.
 */
export async function writeDurableOffset(job: CopyJob, durableBytes: number): Promise<void> {
  const p = partialPaths(job);
  const record: OffsetRecord = {
    transferId: job.transferId,
    sha256: job.sha256,
    sizeBytes: job.sizeBytes,
    durableBytes,
  };
  await writeFile(`${p.record}.tmp`, JSON.stringify(record), { mode: 0o600 });
  await rename(`${p.record}.tmp`, p.record);
}

/** Feeds the first `bytes` of `handle` into `hash` (resuming: the prefix is hashed from the target, not re-read from the source). */
export async function hashPrefix(handle: FileHandle, bytes: number, hash: Hash, buffer: Buffer): Promise<void> {
  for (let pos = 0; pos < bytes;) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, bytes - pos), pos);
    if (bytesRead === 0) throw new Error(`the partial file ended at ${pos} bytes, before its durable offset ${bytes}`);
    hash.update(buffer.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

/** SHA-256 (hex) and size of a whole file, or undefined when it does not exist. */
export async function digestOf(path: string): Promise<{ sha256: string; bytes: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const hash = createHash('sha256');
    const { size } = await handle.stat();
    await hashPrefix(handle, size, hash, Buffer.allocUnsafe(Math.min(4 * 1024 * 1024, Math.max(1, size))));
    return { sha256: hash.digest('hex'), bytes: size };
  } finally {
    await handle.close();
  }
}

/** Removes a transfer's temporary files; resolves with the paths that existed. */
export async function removePartial(job: CopyJob): Promise<string[]> {
  const p = partialPaths(job);
  const removed: string[] = [];
  for (const path of [p.part, p.record, `${p.record}.tmp`, p.sidecar]) {
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    await rm(path, { force: true });
    if (existed) removed.push(path);
  }
  return removed;
}
