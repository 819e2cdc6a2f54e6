import type { ByteSource } from '../intrusion/byte-source';
import { streamOf } from '../intrusion/byte-source';
import { passed, refused, type StepResult } from './result';

const MAX_PNG_CHUNKS = 1_000_000;

function endsAt(end: number, size: number, what: string): StepResult {
  if (end < size) {
    return refused(
      'analysis.trailing-data',
      `${size - end} bytes follow the ${what} at offset ${end}; data hidden after an image is not accepted`,
    );
  }
  return passed;
}

/**
 * Walks PNG chunks (length, type, data, CRC) to `IEND`: the file must end
 * exactly there, since bytes after it are invisible to viewers and a known
 * way to smuggle payloads.
 */
export async function checkPngEnd(source: ByteSource): Promise<StepResult> {
  let offset = 8;
  for (let count = 0; count < MAX_PNG_CHUNKS; count += 1) {
    const header = await source.read(offset, 8);
    if (header.length < 8) return refused('analysis.truncated', `the PNG has no IEND chunk before its end`);
    const end = offset + 12 + header.readUInt32BE(0);
    if (end > source.size) {
      return refused('analysis.truncated', `a PNG chunk at offset ${offset} runs past the end of the file`);
    }
    if (header.toString('latin1', 4, 8) === 'IEND') return endsAt(end, source.size, 'PNG IEND chunk');
    offset = end;
  }
  return refused('analysis.malformed', `more than ${MAX_PNG_CHUNKS} PNG chunks`);
}

const SOS = 0xda;
const EOI = 0xd9;
/** Markers without a length field: TEM, RST0-7, SOI, EOI. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);

/**
 * Follows JPEG segments by their lengths and scans entropy-coded data for
 * the next marker (FF 00 is a stuffed byte, FF D0-D7 restart markers), so the
 * end found is the real EOI, not an FF D9 inside appended data. The file
 * must end right after it.
 */
export async function checkJpegEnd(source: ByteSource): Promise<StepResult> {
  let offset = 2;
  while (offset + 4 <= source.size) {
    const head = await source.read(offset, 4);
    const marker = head[1] ?? 0;
    if (head[0] !== 0xff) return refused('analysis.malformed', `no JPEG marker at offset ${offset}`);
    if (marker === 0xff) {
      offset += 1; // fill byte
    } else if (marker === EOI) {
      return endsAt(offset + 2, source.size, 'JPEG end marker');
    } else if (standalone(marker)) {
      offset += 2;
    } else {
      offset += 2 + head.readUInt16BE(2);
      if (marker === SOS) offset = await nextMarker(source, offset);
    }
  }
  // The loop reads four bytes at a time, so an EOI in the last two is checked here.
  const tail = await source.read(offset, 2);
  return tail.length === 2 && tail[0] === 0xff && tail[1] === EOI
    ? endsAt(offset + 2, source.size, 'JPEG end marker')
    : refused('analysis.truncated', 'the JPEG ends before its end marker (FF D9)');
}

/** Offset of the first marker after entropy-coded data starting at `from`, or the file size. */
async function nextMarker(source: ByteSource, from: number): Promise<number> {
  let at = from;
  let previousWasFF = false;
  for await (const chunk of streamOf(source, from, source.size, 64 * 1024)) {
    for (let i = 0; i < chunk.length; i += 1, at += 1) {
      const byte = chunk[i] ?? 0;
      if (previousWasFF && byte !== 0x00 && byte !== 0xff && !(byte >= 0xd0 && byte <= 0xd7)) return at - 1;
      previousWasFF = byte === 0xff;
    }
  }
  return source.size;
}
