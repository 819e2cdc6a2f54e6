import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, rmdir, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { copyAndHash, sha256File, type Hashed } from '../../lib/worker-pool/hashing';
import { hardLinked, notRegular, type Refusal } from './drop-entries';
import { isNotFound } from './stability';

/**
 * The hub-controlled folders of a node root. They sit under `<root>/.mxhub/`,
 * on the same file system as `drop/`, so that claiming is a `rename`: atomic,
 * and no copy the dropper could still be writing to.
 */
export function hubFolders(root: string) {
  return {
    staging: (assetId: string) => join(root, '.mxhub', 'staging', assetId),
    quarantine: (assetId: string) => join(root, '.mxhub', 'quarantine', assetId),
    /** Copies being made by a claim, moved into staging once complete and checked. */
    claiming: (assetId: string) => join(root, '.mxhub', 'staging', assetId, '.claiming'),
  };
}

/** Creates a folder only the hub's user can enter (0700), parents included. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Moves `file` into `dir` under its own name; resolves with the new path, or
 * `undefined` when the file is gone (the dropper removed it, or another
 * claimer won). Any other failure throws: EXDEV in particular means the hub
 * folders are not on the drop folder's file system, which is a set-up error.
 */
export async function moveInto(file: string, dir: string): Promise<string | undefined> {
  const to = join(dir, basename(file));
  try {
    await rename(file, to);
    return to;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Removes a folder if it is empty; a folder that is not is left as evidence. */
export async function removeIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch(() => undefined);
}

/**
 * SHA-256 and size of a file, hashed on a worker thread (a GiB is seconds of
 * hashing the event loop must not wait through). The size is the number of
 * bytes hashed, not a separate stat, so the two always describe the same content.
 */
export async function hashFile(file: string): Promise<Hashed> {
  return sha256File(file);
}

/**
 * Reads at most `maxBytes + 1` bytes: enough for a size-limited parser to
 * see that a document is too large, without loading a huge hostile file.
 */
export async function readBounded(file: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** A dropped file opened for claiming, with what `fstat` said of it when opened. */
export interface HeldFile {
  path: string;
  handle: FileHandle;
  stats: Stats;
}

// O_NOFOLLOW: a link swapped in after the lstat fails to open (ELOOP) instead of being followed.
// O_NONBLOCK: a FIFO swapped in cannot hang the claim waiting for a writer.
const OPEN_DROPPED = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a dropped file for claiming, never through a link: resolves with the
 * held file, a refusal (not a regular file, more than one link), or
 * undefined when it is gone. The checks run on the opened descriptor, so
 * they describe the very file whose bytes will be read.
 */
export async function openDropped(path: string): Promise<HeldFile | { refuse: Refusal } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_DROPPED);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENXIO') {
      const stats = await lstat(path).catch(() => undefined);
      return stats ? { refuse: notRegular(stats) } : undefined;
    }
    throw err;
  }
  const stats = await handle.stat();
  const refusal = !stats.isFile() ? notRegular(stats) : stats.nlink > 1 ? hardLinked(stats.nlink) : undefined;
  if (refusal) {
    await handle.close();
    return { refuse: refusal };
  }
  return { path, handle, stats };
}

/** Same file, same size, same mtime: nothing wrote to it in between. */
export function unchanged(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && b.nlink <= 1;
}

/**
 * Copies a held file into a new hub-owned file (0600, created exclusively)
 * and hashes the bytes in the same pass, then fsyncs the copy, on a worker
 * thread reading the held descriptor. What the hash describes is exactly what
 * the copy holds: the dropper never had a handle on the copy, so whatever it
 * does later to its own file (a second link, an open descriptor) cannot reach
 * what is screened and delivered.
 */
export async function copyHeld(held: HeldFile, to: string): Promise<Hashed> {
  // The descriptor stays open (the caller closes it after this settles), so the worker reads the very file held.
  return copyAndHash(held.handle.fd, to);
}
