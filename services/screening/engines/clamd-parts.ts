// Part of the hand-written clamd client: why it is not a library is said at the top of clamd.ts.
import { ConfigError } from '../../../lib/errors';

/** A byte range of a file, `end` exclusive. */
export interface Part {
  start: number;
  end: number;
}

/**
 * clamd cannot scan an object of 2 GiB or more (libclamav's hard limit, not a
 * setting). Larger files are therefore scanned in parts, by this rule:
 *
 * - part k starts at `k * partSize` and ends `partSize + overlap` bytes later
 *   (or at the end of the file);
 * - parts are produced until one reaches the end of the file.
 *
 * Any run of at most `overlap` bytes lies wholly inside at least one part
 * (a run starting in [kP, (k+1)P) ends before (k+1)P + overlap), so a
 * signature up to `overlap` bytes long that straddles a boundary is still
 * seen in full. Parts after the first are scanned as raw data: detections
 * that depend on parsing the container from its header apply to the first
 * part only, which is why YARA-X scans the whole file beside clamd.
 *
 * A zero-byte file is one empty part: it is still sent, so clamd answers.
 */
export function planParts(size: number, partSize: number, overlap: number): Part[] {
  if (size <= partSize + overlap) return [{ start: 0, end: size }];
  const parts: Part[] = [];
  for (let start = 0; ; start += partSize) {
    const end = Math.min(size, start + partSize + overlap);
    parts.push({ start, end });
    if (end === size) return parts;
  }
}

/** libclamav refuses objects of 2 GiB - 1 byte and more. */
export const CLAMD_OBJECT_LIMIT = 2 ** 31 - 1;

export function validatePartOptions(partSize: number, overlap: number): void {
  if (!Number.isSafeInteger(partSize) || partSize < 1) {
    throw new ConfigError(`clamd partSize must be a positive whole number of bytes, got ${partSize}`);
  }
  if (!Number.isSafeInteger(overlap) || overlap < 0 || overlap >= partSize) {
    throw new ConfigError(`clamd overlap must be between 0 and partSize - 1 bytes, got ${overlap}`);
  }
  if (partSize + overlap >= CLAMD_OBJECT_LIMIT) {
    throw new ConfigError(
      `clamd partSize + overlap must stay below clamd's 2 GiB object limit (${CLAMD_OBJECT_LIMIT} bytes), got ${partSize + overlap}`,
    );
  }
}
