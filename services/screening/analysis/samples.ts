/*
 * Small, well-formed media skeletons built in memory for the unit specs,
 * each shaped just enough for detection and structural checks; specs damage
 * them (cut, append, rename) to build the hostile cases.
 */
import { MXF_PARTITION_PREFIX } from './detect-format';

export function isoBox(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** `ftyp` with the given major brand, `moov` (unless left out), `mdat`. */
export function isoFile(brand = 'isom', withMoov = true): Buffer {
  const ftyp = isoBox('ftyp', Buffer.from(`${brand}\0\0\0\0isom`, 'latin1'));
  const moov = withMoov ? [isoBox('moov', isoBox('mvhd', Buffer.alloc(100)))] : [];
  return Buffer.concat([ftyp, ...moov, isoBox('mdat', Buffer.alloc(256, 7))]);
}

function riffChunk(id: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

/** A 48 kHz 16-bit mono PCM WAV of `samples` samples. */
export function wavFile(samples = 480): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(48000, 4);
  fmt.writeUInt32LE(96000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    riffChunk('fmt ', fmt),
    riffChunk('data', Buffer.alloc(samples * 2)),
  ]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A partition pack of the given kind (2 header, 4 footer) with the offsets that matter here. */
export function mxfPartition(kind: number, thisPartition: number, footerPartition: number): Buffer {
  const value = Buffer.alloc(88);
  value.writeUInt16BE(1, 0);
  value.writeUInt16BE(3, 2);
  value.writeUInt32BE(1, 4);
  value.writeBigUInt64BE(BigInt(thisPartition), 8);
  value.writeBigUInt64BE(BigInt(footerPartition), 24);
  const key = Buffer.concat([MXF_PARTITION_PREFIX, Buffer.from([kind, 0x04, 0x00])]);
  return Buffer.concat([key, Buffer.from([0x83, 0, 0, value.length]), value]);
}

/** Header partition, some essence, footer partition where the header says. */
export function mxfFile(essenceBytes = 512): Buffer {
  const footerAt = 108 + essenceBytes;
  const header = mxfPartition(0x02, 0, footerAt);
  return Buffer.concat([header, Buffer.alloc(essenceBytes, 1), mxfPartition(0x04, footerAt, footerAt)]);
}

/** SOI, APP0, a tiny SOS segment with entropy-coded bytes (stuffed FF 00 and a restart marker), EOI. */
export function jpegFile(): Buffer {
  return Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xda, 0x00, 0x04,
    0x01, 0x00, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd9,
  ]);
}
