import type { Stage } from '../../../domain/asset/asset';
import type { ScanUnit } from './pairing';

/**
 * `passed`: every stage that applies cleared the file. `refused`: the first
 * stage that said no, with its rule. `unavailable`: a stage could not run
 * (an engine is down) or the file could not be read (no `stage`); the
 * file is NOT cleared (fail closed).
 */
export type FileVerdict =
  | { outcome: 'passed' }
  | { outcome: 'refused'; stage: Stage; rule: string; reason: string }
  | { outcome: 'unavailable'; stage?: Stage; reason: string };

/** What the scan found about one file of the medium. */
export interface FileResult {
  /** Relative to the scanned root, `/`-separated. */
  path: string;
  kind: ScanUnit['kind'];
  size: number;
  /** Lower-case hex; empty when the file could not be read. */
  sha256: string;
  verdict: FileVerdict;
  /** The stages that ran and passed, in order. */
  passed: Stage[];
  /** Technical metadata found by analysis (media only). */
  technical?: Record<string, unknown>;
  /** The mxhub sidecar paired with this media file (relative path). */
  sidecar?: string;
  /** Where `--ingest` put the file (absolute path in the drop folder). */
  ingestedAs?: string;
  /** Why `--ingest` did not deliver a cleared file. */
  ingestError?: string;
}

export interface ScanCounts {
  files: number;
  bytes: number;
  cleared: number;
  refused: number;
  unavailable: number;
  ingested: number;
  ingestFailed: number;
}

export function countResults(results: FileResult[]): ScanCounts {
  const count = (outcome: FileVerdict['outcome']) => results.filter((r) => r.verdict.outcome === outcome).length;
  return {
    files: results.length,
    bytes: results.reduce((sum, r) => sum + r.size, 0),
    cleared: count('passed'),
    refused: count('refused'),
    unavailable: count('unavailable'),
    ingested: results.filter((r) => r.ingestedAs).length,
    ingestFailed: results.filter((r) => r.ingestError).length,
  };
}
