import type { ByteSource } from '../intrusion/byte-source';
import { passed, refused, type StepResult } from './result';

const MAX_CHUNKS = 100_000;
/** RF64 puts 0xFFFFFFFF in 32-bit size fields and the real sizes in its `ds64` chunk. */
const RF64_PLACEHOLDER = 0xffffffff;

const chunkLabel = (id: string) => (/^[\x20-\x7e]{4}$/.test(id) ? `chunk '${id}'` : 'a chunk');

/** RIFF (or RF64) size and `data` size, the 64-bit ones from `ds64` when present. */
async function declaredSizes(source: ByteSource, head: Buffer) {
  let riffSize = head.readUInt32LE(4);
  let dataSize: number | undefined;
  if (head.toString('latin1', 0, 4) === 'RF64' && head.toString('latin1', 12, 16) === 'ds64') {
    const ds64 = await source.read(20, 16);
    if (ds64.length === 16) {
      riffSize = Number(ds64.readBigUInt64LE(0));
      dataSize = Number(ds64.readBigUInt64LE(8));
    }
  }
  return { riffSize, dataSize };
}

interface Chunk {
  id: string;
  offset: number;
  /** Payload bytes, the 64-bit `ds64` size for an RF64 `data` chunk. */
  size: number;
}

/**
 * The chunks of a RIFF file in order, from their headers alone: a few reads
 * per chunk, never the payloads. Refuses as soon as a header is cut short or
 * a chunk overruns the file.
 */
async function walkChunks(source: ByteSource, dataSize: number | undefined): Promise<Chunk[] | StepResult> {
  const chunks: Chunk[] = [];
  let offset = 12;
  for (let count = 0; offset < source.size; count += 1) {
    if (count >= MAX_CHUNKS) return refused('analysis.malformed', `more than ${MAX_CHUNKS} chunks`);
    const header = await source.read(offset, 8);
    if (header.length < 8) {
      return refused(
        'analysis.wav-chunk-size',
        `a chunk header at offset ${offset} is cut short by the end of the file`,
      );
    }
    const id = header.toString('latin1', 0, 4);
    const declared = header.readUInt32LE(4);
    const size = id === 'data' && declared === RF64_PLACEHOLDER && dataSize !== undefined ? dataSize : declared;
    const end = offset + 8 + size + (size % 2);
    // Many writers omit the pad byte of an odd-sized last chunk; tolerate it.
    if (end > source.size && offset + 8 + size !== source.size) {
      return refused(
        'analysis.wav-chunk-size',
        `${chunkLabel(id)} at offset ${offset} declares ${size} bytes but only ${source.size - offset - 8} remain`,
      );
    }
    chunks.push({ id, offset, size });
    offset = end;
  }
  return chunks;
}

/**
 * The RIFF size must account for the whole file, and each chunk (padded to
 * an even length) must fit inside it; a `fmt ` and a `data` chunk must be
 * there. A cut WAV disagrees with its own sizes.
 */
export async function checkWavChunks(source: ByteSource): Promise<StepResult> {
  const head = await source.read(0, 16);
  if (head.length < 12) return refused('analysis.truncated', 'the RIFF header is cut short by the end of the file');
  const { riffSize, dataSize } = await declaredSizes(source, head);
  if (riffSize + 8 !== source.size) {
    return refused(
      'analysis.wav-chunk-size',
      `the RIFF header declares ${riffSize + 8} bytes but the file has ${source.size}`,
    );
  }
  const chunks = await walkChunks(source, dataSize);
  if (!Array.isArray(chunks)) return chunks;
  const missing = ['fmt ', 'data'].filter((id) => !chunks.some((c) => c.id === id));
  return missing.length === 0
    ? passed
    : refused('analysis.malformed', `the WAV file has no ${missing.map((id) => `'${id.trim()}'`).join(' or ')} chunk`);
}

/**
 * Where the samples of a (structurally sound) WAV file begin: the payload
 * of its `data` chunk; undefined when the chunks cannot be walked.
 */
export async function wavSamplesOffset(source: ByteSource): Promise<number | undefined> {
  const head = await source.read(0, 16);
  if (head.length < 12) return undefined;
  const chunks = await walkChunks(source, (await declaredSizes(source, head)).dataSize);
  const data = Array.isArray(chunks) ? chunks.find((c) => c.id === 'data') : undefined;
  return data ? data.offset + 8 : undefined;
}
