import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
 * SHA-256 and size of a file, streamed. The size is the number of bytes
 * hashed, not a separate stat, so the two always describe the same content.
 */
export async function hashFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
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
