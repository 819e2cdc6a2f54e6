import type { ByteSource } from '../intrusion/byte-source';
import { mxfHeaderOffset, type MediaFormat } from './detect-format';
import { passed, type StepResult } from './result';
import { checkJpegEnd, checkPngEnd } from './structure-image';
import { checkIsoBoxes } from './structure-iso';
import { checkMxfPartitions } from './structure-mxf';
import { checkWavChunks } from './structure-wav';

/**
 * Structural checks that catch truncated or damaged files without decoding
 * anything: only headers, box and chunk boundaries are read, so a large
 * file costs a few reads per box rather than a full pass.
 *
 * @param head the first `DETECT_BYTES` of the file, as given to `detectFormat`
 */
export async function checkStructure(source: ByteSource, format: MediaFormat, head: Buffer): Promise<StepResult> {
  switch (format) {
    case 'mp4':
    case 'mov':
      return checkIsoBoxes(source);
    case 'mxf':
      return checkMxfPartitions(source, mxfHeaderOffset(head));
    case 'wav':
      return checkWavChunks(source);
    case 'png':
      return checkPngEnd(source);
    case 'jpeg':
      return checkJpegEnd(source);
    case 'unknown':
      return passed;
    default: {
      const unhandled: never = format;
      return unhandled;
    }
  }
}
