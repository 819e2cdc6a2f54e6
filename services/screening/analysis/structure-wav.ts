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
  const seen = new Set<string>();
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
    seen.add(id);
    offset = end;
  }
  const missing = ['fmt ', 'data'].filter((id) => !seen.has(id));
  return missing.length === 0
    ? passed
    : refused('analysis.malformed', `the WAV file has no ${missing.map((id) => `'${id.trim()}'`).join(' or ')} chunk`);
}
