import { mediaInfoFactory, type MediaInfo } from 'mediainfo.js';
import type { ByteSource } from '../intrusion/byte-source';
import { toTechnicalMetadata, type TechnicalMetadata } from './technical-metadata';

/**
 * Reads technical metadata from a file. `read` calls may overlap; `close`
 * releases the engine and must be called once no read is pending (jest and
 * the hub's shutdown wait on it).
 */
export interface MetadataReader {
  read(source: ByteSource): Promise<TechnicalMetadata>;
  close(): Promise<void>;
}

export interface MediaInfoReaderOptions {
  /** Bytes MediaInfo asks for per read; it seeks, so large files are not read whole. @default 256 KiB */
  chunkSize?: number;
  /**
   * Most bytes one analysis may read, as a multiple of the file size.
   * MediaInfo seeks back and forth, and a crafted file could keep it seeking;
   * past this budget the read fails instead of running on. @default 8
   */
  maxReadRatio?: number;
  /** The read budget of small files, whatever their size. @default 64 MiB */
  minReadBudget?: number;
}

/** Thrown (and reported by `read`) when an analysis exceeds its read budget. */
export class ReadBudgetError extends Error {
  constructor(readonly budget: number) {
    super(`metadata analysis read more than ${budget} bytes`);
    this.name = 'ReadBudgetError';
  }
}

/**
 * MediaInfo (WASM) behind `MetadataReader`. The instance is created on first
 * use and reused; one instance cannot analyse two files at once, so reads
 * are queued rather than run in parallel.
 */
export function createMediaInfoReader(options: MediaInfoReaderOptions = {}): MetadataReader {
  const chunkSize = options.chunkSize ?? 256 * 1024;
  const maxReadRatio = options.maxReadRatio ?? 8;
  const minReadBudget = options.minReadBudget ?? 64 * 2 ** 20;
  let instance: Promise<MediaInfo<'object'>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const engine = () => (instance ??= mediaInfoFactory({ format: 'object', chunkSize }));

  async function analyse(source: ByteSource): Promise<TechnicalMetadata> {
    const mediainfo = await engine();
    const budget = Math.max(source.size * maxReadRatio, minReadBudget);
    let used = 0;
    const result = await mediainfo.analyzeData(source.size, async (size, offset) => {
      const chunk = await source.read(offset, size);
      used += chunk.length;
      if (used > budget) throw new ReadBudgetError(budget);
      return chunk;
    });
    return toTechnicalMetadata((result.media?.track ?? []) as unknown as Array<Record<string, unknown>>);
  }

  return {
    read(source) {
      const next = queue.then(() => analyse(source));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      const created = instance;
      instance = undefined;
      if (created !== undefined) (await created).close();
    },
  };
}
