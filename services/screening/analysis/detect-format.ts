import { extname } from 'node:path';
import { passed, refused, type StepResult } from './result';

/** Media formats the hub recognises by content. */
export type MediaFormat = 'mxf' | 'mp4' | 'mov' | 'wav' | 'png' | 'jpeg' | 'unknown';

/** Bytes of the file head that `detectFormat` needs: enough for an MXF run-in. */
export const DETECT_BYTES = 64 * 1024 + 16;

/** SMPTE 377 partition pack key up to the partition kind (byte 13: 02 header, 03 body, 04 footer). */
export const MXF_PARTITION_PREFIX = Buffer.from([
  0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01,
]);
/** SMPTE 377 allows up to 64 KiB of run-in before the header partition. */
const MXF_MAX_RUN_IN = 64 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Top-level atoms a pre-`ftyp` QuickTime file starts with. */
const LEGACY_QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

const ascii = (head: Buffer, start: number, end: number) => head.toString('latin1', start, end);

/**
 * Offset of the MXF header partition pack, or -1. The run-in may not itself
 * contain the partition key prefix, so the first occurrence is the header.
 */
export function mxfHeaderOffset(head: Buffer): number {
  const at = head.subarray(0, MXF_MAX_RUN_IN + 16).indexOf(MXF_PARTITION_PREFIX);
  return at >= 0 && at <= MXF_MAX_RUN_IN && head[at + 13] === 0x02 ? at : -1;
}

function isoFormat(head: Buffer): MediaFormat {
  if (head.length < 12) return 'unknown';
  const type = ascii(head, 4, 8);
  if (type === 'ftyp') return ascii(head, 8, 12) === 'qt  ' ? 'mov' : 'mp4';
  const size = head.readUInt32BE(0);
  return LEGACY_QUICKTIME_ATOMS.has(type) && (size === 0 || size === 1 || size >= 8) ? 'mov' : 'unknown';
}

/** The format of a file from its first bytes (at least `DETECT_BYTES` when the file is that long). */
export function detectFormat(head: Buffer): MediaFormat {
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 12 && ['RIFF', 'RF64'].includes(ascii(head, 0, 4)) && ascii(head, 8, 12) === 'WAVE') return 'wav';
  // A box-structured file is decided by its first box before any MXF run-in
  // search, so MXF-like bytes inside its media data cannot relabel it.
  const iso = isoFormat(head);
  if (iso !== 'unknown') return iso;
  return mxfHeaderOffset(head) >= 0 ? 'mxf' : 'unknown';
}

/** The formats each extension may carry; an extension not listed is not analysed as media. */
export const EXTENSION_FORMATS: Readonly<Record<string, readonly MediaFormat[]>> = {
  '.mxf': ['mxf'],
  '.mp4': ['mp4'],
  '.m4v': ['mp4'],
  '.mov': ['mov'],
  '.wav': ['wav'],
  '.png': ['png'],
  '.jpg': ['jpeg'],
  '.jpeg': ['jpeg'],
};

/**
 * The format found in the content must be one the file's extension promises,
 * so a WAV named `.mov` is refused before anything trusts the name. Only the
 * extension is quoted, never the rest of the name (it may carry bidi tricks).
 */
export function checkFormatMatchesName(format: MediaFormat, originalName: string): StepResult {
  const extension = extname(originalName).toLowerCase();
  const expected = EXTENSION_FORMATS[extension];
  const known = Object.keys(EXTENSION_FORMATS).join(', ');
  if (expected === undefined) {
    return refused('analysis.unknown-format', `the extension is not a media type the hub analyses; accepted: ${known}`);
  }
  if (format === 'unknown') {
    return refused(
      'analysis.unknown-format',
      `the content is not a recognised media format; a ${extension} file must contain ${expected.join(' or ')}`,
    );
  }
  if (!expected.includes(format)) {
    return refused(
      'analysis.format-mismatch',
      `the content is ${format} but the extension ${extension} promises ${expected.join(' or ')}`,
    );
  }
  return passed;
}
