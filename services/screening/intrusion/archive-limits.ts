import type { ByteSource } from './byte-source';
import { formatBytes, passed, refused, type CheckResult } from './check';

/** Limits that stop archive bombs without extracting anything to disk. */
export interface ArchiveLimits {
  /** Deepest nesting accepted; the outer archive is level 1, a tar inside a gzip stays at its level. @default 2 */
  maxDepth?: number;
  /** Most members, counted across all nesting levels. @default 10 000 */
  maxEntries?: number;
  /** Most bytes once everything is unpacked, across all levels. @default 16 GiB */
  maxTotalSize?: number;
  /** Highest expansion ratio (unpacked / packed), of the whole archive and of each member. @default 100 */
  maxRatio?: number;
  /** Members and archives unpacking to less than this are exempt from the ratio (small files compress absurdly well). @default 1 MiB */
  ratioFloor?: number;
  /** Largest compressed nested archive (or tar.gz payload) inflated into memory to be inspected. @default 64 MiB */
  maxInMemory?: number;
}

export const defaultArchiveLimits: Required<ArchiveLimits> = {
  maxDepth: 2,
  maxEntries: 10_000,
  maxTotalSize: 16 * 2 ** 30,
  maxRatio: 100,
  ratioFloor: 2 ** 20,
  maxInMemory: 64 * 2 ** 20,
};

/** State shared by one inspection across its nesting levels. */
export interface InspectionContext {
  limits: Required<ArchiveLimits>;
  /** Members and unpacked bytes counted so far, all levels together. */
  used: { entries: number; bytes: number };
  /**
   * Looks at a member: refuses executables and scripts, and inspects nested
   * archives at `depth` (`source` undefined: too large to hold in memory).
   */
  member(head: Buffer, source: ByteSource | undefined, depth: number, where: string): Promise<CheckResult>;
}

/** `../x`, `/etc/x`, `C:\x`: a name that would land outside the extraction directory. */
export function escapesRoot(name: string): boolean {
  return /^[/\\]/.test(name) || /^[a-zA-Z]:/.test(name) || /(^|[/\\])\.\.([/\\]|$)/.test(name);
}

export function countEntries(context: InspectionContext, count: number, where: string): CheckResult {
  context.used.entries += count;
  const { maxEntries } = context.limits;
  if (context.used.entries > maxEntries) {
    return refused(
      'archive.entries',
      `${where} brings the member count to ${context.used.entries}; at most ${maxEntries} are accepted`,
    );
  }
  return passed;
}

export function countBytes(context: InspectionContext, bytes: number, where: string): CheckResult {
  context.used.bytes += bytes;
  const { maxTotalSize } = context.limits;
  if (context.used.bytes > maxTotalSize) {
    return refused(
      'archive.total-size',
      `${where} unpacks to ${formatBytes(context.used.bytes)} in total; at most ${formatBytes(maxTotalSize)} are accepted`,
    );
  }
  return passed;
}

export function checkRatio(context: InspectionContext, unpacked: number, packed: number, where: string): CheckResult {
  const { maxRatio, ratioFloor } = context.limits;
  if (unpacked < ratioFloor) return passed;
  const ratio = unpacked / Math.max(1, packed);
  if (ratio > maxRatio) {
    return refused(
      'archive.ratio',
      `${where} expands ${Math.round(ratio)} times (${formatBytes(packed)} to ${formatBytes(unpacked)}); at most ${maxRatio} times is accepted`,
    );
  }
  return passed;
}
