import { open } from 'node:fs/promises';

/**
 * Random-access bytes: a file on disk, a buffer, or a slice of either. The
 * intrusion checks read only the parts they need (headers, central
 * directories), so nothing is ever extracted to disk.
 *
 * `read` returns fewer bytes than asked only at the end of the source.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: async (offset, length) => buffer.subarray(offset, Math.min(buffer.length, offset + length)),
  };
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/** The bytes [offset, offset + length) of `source`, clipped to its end. */
export function sliceSource(source: ByteSource, offset: number, length: number): ByteSource {
  const size = Math.max(0, Math.min(length, source.size - offset));
  return {
    size,
    read: (at, wanted) => source.read(offset + at, Math.max(0, Math.min(wanted, size - at))),
  };
}

/** Streams [start, end) of `source` in chunks, for streaming decompression. */
export async function* streamOf(source: ByteSource, start = 0, end = source.size, chunkSize = 1 << 20) {
  for (let at = start; at < end; at += chunkSize) {
    const chunk = await source.read(at, Math.min(chunkSize, end - at));
    if (chunk.length === 0) return;
    yield chunk;
  }
}

/** Runs `work` on the file at `path` and always closes it. */
export async function withFileSource<T>(path: string, work: (source: ByteSource) => Promise<T>): Promise<T> {
  const source = await openFileSource(path);
  try {
    return await work(source);
  } finally {
    await source.close();
  }
}
