import type { ByteSource } from '../intrusion/byte-source';
import { MXF_PARTITION_PREFIX } from './detect-format';
import { passed, refused, type StepResult } from './result';

const FOOTER_KIND = 0x04;
/** SMPTE 377 random index pack key. */
const RIP_KEY = Buffer.from([
  0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x11, 0x01, 0x00,
]);

/** A BER length after a 16-byte key: its value and how many bytes it takes. */
function berLength(bytes: Buffer, at: number): { value: number; size: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { value: first, size: 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 8 || at + 1 + count > bytes.length) return undefined;
  let value = 0;
  for (let i = 1; i <= count; i += 1) value = value * 256 + (bytes[at + i] ?? 0);
  return { value, size: 1 + count };
}

/** `ThisPartition` and `FooterPartition` of the partition pack at `offset`, or undefined when it is not one. */
async function readPartitionPack(source: ByteSource, offset: number) {
  const bytes = await source.read(offset, 64);
  if (bytes.length < 16 || !bytes.subarray(0, 13).equals(MXF_PARTITION_PREFIX)) return undefined;
  const length = berLength(bytes, 16);
  if (length === undefined || length.value < 88) return undefined;
  const value = 16 + length.size;
  if (bytes.length < value + 32) return undefined;
  return {
    kind: bytes[13],
    thisPartition: Number(bytes.readBigUInt64BE(value + 8)),
    footerPartition: Number(bytes.readBigUInt64BE(value + 24)),
  };
}

/** Whether the file ends with a random index pack whose declared length fits the file. */
async function hasRandomIndexPack(source: ByteSource): Promise<boolean> {
  if (source.size < 20) return false;
  const length = (await source.read(source.size - 4, 4)).readUInt32BE(0);
  if (length < 20 || length > source.size) return false;
  return (await source.read(source.size - length, 16)).equals(RIP_KEY);
}

/**
 * An MXF file must open with a header partition pack and close with a footer
 * partition where the header says it is, or, when the header does not know
 * (an open, growing header), with a random index pack. A cut file loses both.
 */
export async function checkMxfPartitions(source: ByteSource, headerOffset: number): Promise<StepResult> {
  const header = await readPartitionPack(source, headerOffset);
  if (header === undefined || header.kind !== 0x02) {
    return refused('analysis.mxf-partition', 'the header partition pack is missing or unreadable');
  }
  if (header.footerPartition === 0) {
    return (await hasRandomIndexPack(source))
      ? passed
      : refused(
          'analysis.mxf-partition',
          'the header does not locate a footer partition and the file does not end with a random index pack',
        );
  }
  const footerAt = headerOffset + header.footerPartition;
  if (footerAt >= source.size) {
    return refused(
      'analysis.mxf-partition',
      `the footer partition is declared at offset ${footerAt} but the file is only ${source.size} bytes long`,
    );
  }
  const footer = await readPartitionPack(source, footerAt);
  if (footer === undefined || footer.kind !== FOOTER_KIND || footer.thisPartition !== header.footerPartition) {
    return refused(
      'analysis.mxf-partition',
      `no footer partition pack at offset ${footerAt}, where the header puts it`,
    );
  }
  return passed;
}
