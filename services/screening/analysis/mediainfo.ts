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
}

/**
 * MediaInfo (WASM) behind `MetadataReader`. The instance is created on first
 * use and reused; one instance cannot analyse two files at once, so reads
 * are queued rather than run in parallel.
 */
export function createMediaInfoReader(options: MediaInfoReaderOptions = {}): MetadataReader {
  const chunkSize = options.chunkSize ?? 256 * 1024;
  let instance: Promise<MediaInfo<'object'>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const engine = () => (instance ??= mediaInfoFactory({ format: 'object', chunkSize }));

  async function analyse(source: ByteSource): Promise<TechnicalMetadata> {
    const mediainfo = await engine();
    const result = await mediainfo.analyzeData(source.size, (size, offset) => source.read(offset, size));
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
