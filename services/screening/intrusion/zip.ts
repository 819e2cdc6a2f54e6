import type { ByteSource } from './byte-source';

/** One entry as the zip's central directory declares it. Nothing is extracted. */
export interface ZipEntry {
  index: number;
  name: string;
  /** 0 stored, 8 deflate; others are reported as unsupported by the inspector. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  /** Entry count declared by the end-of-central-directory record. */
  declaredEntries: number;
  entries: ZipEntry[];
}

export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

async function findEocd(source: ByteSource): Promise<{ offset: number; record: Buffer }> {
  const tailLength = Math.min(source.size, 22 + MAX_COMMENT);
  const tail = await source.read(source.size - tailLength, tailLength);
  for (let at = tail.length - 22; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) === EOCD)
      return { offset: source.size - tailLength + at, record: tail.subarray(at, at + 22) };
  }
  throw new ZipFormatError('no end-of-central-directory record');
}

/** Sizes and offsets of 0xFFFF/0xFFFFFFFF live in the ZIP64 records instead. */
async function readZip64(source: ByteSource, eocdOffset: number) {
  const locator = await source.read(eocdOffset - 20, 20);
  if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR)
    throw new ZipFormatError('ZIP64 locator missing');
  const recordOffset = Number(locator.readBigUInt64LE(8));
  const record = await source.read(recordOffset, 56);
  if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('ZIP64 end record missing');
  return {
    entries: Number(record.readBigUInt64LE(32)),
    directorySize: Number(record.readBigUInt64LE(40)),
    directoryOffset: Number(record.readBigUInt64LE(48)),
  };
}

function applyZip64Extra(extra: Buffer, entry: ZipEntry): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        const value = field + 8 <= at + 4 + length ? Number(extra.readBigUInt64LE(field)) : undefined;
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next() ?? entry.uncompressedSize;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? entry.localHeaderOffset;
      return;
    }
    at += 4 + length;
  }
}

/**
 * Reads the central directory. Refuses, before reading it, a directory that
 * declares more than `maxEntries` entries or is larger than
 * `maxDirectoryBytes`: the caller learns the declared count either way.
 */
export async function readZipDirectory(
  source: ByteSource,
  limits: { maxEntries: number; maxDirectoryBytes: number },
): Promise<ZipDirectory> {
  const { offset, record } = await findEocd(source);
  let declaredEntries = record.readUInt16LE(10);
  let directorySize = record.readUInt32LE(12);
  let directoryOffset = record.readUInt32LE(16);
  if (declaredEntries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    ({ entries: declaredEntries, directorySize, directoryOffset } = await readZip64(source, offset));
  }
  if (declaredEntries > limits.maxEntries) return { declaredEntries, entries: [] };
  if (directorySize > limits.maxDirectoryBytes || directoryOffset + directorySize > source.size) {
    throw new ZipFormatError('central directory is larger than the file or the inspection limit');
  }
  const directory = await source.read(directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  for (let at = 0; at + 46 <= directory.length && entries.length < declaredEntries;) {
    if (directory.readUInt32LE(at) !== CENTRAL)
      throw new ZipFormatError(`bad central directory entry ${entries.length + 1}`);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    const entry: ZipEntry = {
      index: entries.length,
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method,
      // Bit 0: traditional or strong encryption; method 99: WinZip AES.
      encrypted: (flags & 0x1) !== 0 || method === 99,
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    applyZip64Extra(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (entries.length !== declaredEntries) {
    throw new ZipFormatError(`central directory holds ${entries.length} entries but declares ${declaredEntries}`);
  }
  return { declaredEntries, entries };
}

/** Where an entry's compressed data starts: after its local header. */
export async function zipDataOffset(source: ByteSource, entry: ZipEntry): Promise<number> {
  const header = await source.read(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) {
    throw new ZipFormatError(`entry ${entry.index + 1} has no local header where the directory says`);
  }
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}
