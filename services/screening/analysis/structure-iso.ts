import type { ByteSource } from '../intrusion/byte-source';
import { passed, refused, type StepResult } from './result';

/** A file with more top-level boxes than this is refused rather than walked forever. */
const MAX_TOP_LEVEL_BOXES = 1_000_000;

/**
 * Walks the top-level boxes of an MP4 or QuickTime file, reading 16 bytes
 * per box: every box must fit in the file (else the file was cut short) and
 * a `moov` box must be present (without it no player can read the essence).
 */
export async function checkIsoBoxes(source: ByteSource): Promise<StepResult> {
  let offset = 0;
  let boxes = 0;
  let hasMoov = false;
  while (offset < source.size) {
    boxes += 1;
    if (boxes > MAX_TOP_LEVEL_BOXES) {
      return refused('analysis.malformed', `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`);
    }
    const header = await source.read(offset, 16);
    if (header.length < 8) {
      return refused('analysis.truncated', `a box header at offset ${offset} is cut short by the end of the file`);
    }
    const type = header.toString('latin1', 4, 8);
    const label = /^[\x20-\x7e]{4}$/.test(type) ? `box '${type}'` : 'a box';
    let size = header.readUInt32BE(0);
    let headerSize = 8;
    if (size === 1) {
      if (header.length < 16) {
        return refused('analysis.truncated', `${label} at offset ${offset} is cut short by the end of the file`);
      }
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = source.size - offset;
    }
    if (size < headerSize) {
      return refused('analysis.malformed', `${label} at offset ${offset} declares an impossible size of ${size} bytes`);
    }
    if (offset + size > source.size) {
      return refused(
        'analysis.truncated',
        `${label} at offset ${offset} declares ${size} bytes but the file ends ${source.size - offset} bytes later`,
      );
    }
    if (type === 'moov') hasMoov = true;
    offset += size;
  }
  return hasMoov
    ? passed
    : refused('analysis.mp4-no-moov', 'the file has no moov box, so its tracks cannot be read; send a finalised file');
}
