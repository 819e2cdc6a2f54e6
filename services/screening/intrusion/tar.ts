import type { ByteSource } from './byte-source';

/** One member of a tar archive, read from its header. */
export interface TarEntry {
  index: number;
  name: string;
  /** '0' file, '5' directory, '2' symlink... (ustar typeflag). */
  type: string;
  size: number;
  /** Offset of the member's data in the archive. */
  dataOffset: number;
}

export class TarFormatError extends Error {}

const BLOCK = 512;
const MAX_META = 1 << 20;

function parseNumber(field: Buffer): number {
  // GNU base-256 for sizes of 8 GiB and more: high bit set, big-endian rest.
  if ((field[0] ?? 0) & 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i += 1) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]*$/.test(text)) throw new TarFormatError('header has a non-octal number field');
  return text ? parseInt(text, 8) : 0;
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return parseNumber(header.subarray(148, 156)) === sum;
}

function field(header: Buffer, start: number, length: number): string {
  return header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
}

/** `size` and `path` from a pax extended header ("<len> key=value\n" records). */
function parsePax(data: Buffer): { size?: number; path?: string } {
  const out: { size?: number; path?: string } = {};
  for (const line of data.toString('utf8').split('\n')) {
    const match = /^\d+ (size|path)=(.*)$/.exec(line);
    if (match?.[1] === 'size') out.size = Number(match[2]);
    if (match?.[1] === 'path') out.path = match[2];
  }
  return out;
}

/**
 * Walks a tar archive header by header, skipping member data, and calls
 * `visit` for each member until it returns false. Pax and GNU long-name
 * headers are folded into the member they describe.
 */
export async function walkTar(source: ByteSource, visit: (entry: TarEntry) => Promise<boolean>): Promise<void> {
  let offset = 0;
  let index = 0;
  let pending: { size?: number; path?: string } = {};
  while (offset + BLOCK <= source.size) {
    const header = await source.read(offset, BLOCK);
    if (header.every((byte) => byte === 0)) return;
    if (!checksumOk(header)) throw new TarFormatError(`header ${index + 1} has a bad checksum`);
    const type = String.fromCharCode(header[156] || 0x30);
    let size = parseNumber(header.subarray(124, 136));
    const dataOffset = offset + BLOCK;
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > MAX_META) throw new TarFormatError(`extended header ${index + 1} is larger than ${MAX_META} bytes`);
      const data = await source.read(dataOffset, size);
      if (type === 'x') pending = { ...pending, ...parsePax(data) };
      if (type === 'L') pending.path = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (pending.size !== undefined) {
      size = pending.size;
      offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
    const prefix = field(header, 345, 155);
    const name = pending.path ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    pending = {};
    if (dataOffset + size > source.size)
      throw new TarFormatError(`member ${index + 1} runs past the end of the archive`);
    const more = await visit({ index, name, type, size, dataOffset });
    index += 1;
    if (!more) return;
  }
}
