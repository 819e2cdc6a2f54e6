import { formatBytes, passed, refused, type CheckResult } from './check';

export interface SizeRules {
  /** Smallest file accepted. Zero-byte files are always refused. @default 1 */
  minBytes?: number;
  /** Largest file accepted; keep clamd's part rule and the targets' space in mind. @default 1 TiB */
  maxBytes?: number;
}

export function checkSize(size: number, rules: SizeRules = {}): CheckResult {
  const minBytes = Math.max(1, rules.minBytes ?? 1);
  const maxBytes = rules.maxBytes ?? 2 ** 40;
  if (size === 0) return refused('size.zero', 'the file is empty (0 bytes)');
  if (size < minBytes) {
    return refused('size.zero', `the file is ${formatBytes(size)}; at least ${formatBytes(minBytes)} are required`);
  }
  if (size > maxBytes) {
    return refused('size.too-large', `the file is ${formatBytes(size)}; at most ${formatBytes(maxBytes)} are accepted`);
  }
  return passed;
}
