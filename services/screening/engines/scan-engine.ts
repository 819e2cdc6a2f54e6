/** Engines the hub knows how to drive. */
export type EngineName = 'clamav' | 'yara-x';

/**
 * `clean`: the engine looked at every byte and found nothing.
 * `infected`: a signature or rule matched.
 * `error`: the engine could not give an answer for the whole file (down,
 * timed out, size limit, encrypted content...). An error is *not cleared*:
 * the fail-closed rule treats it like a detection for delivery purposes.
 */
export type VerdictOutcome = 'clean' | 'infected' | 'error';

/** What one engine said about one file; recorded as is in the asset's events. */
export interface Verdict {
  engine: EngineName;
  /** e.g. `ClamAV 1.4.6`, `YARA-X (@litko/yara-x 0.3.0)`; `unknown` if unreachable. */
  engineVersion: string;
  /** Signature database or rule set version the verdict was given with. */
  signatureVersion: string;
  /** Bytes of the file the engine actually examined. Equals the file size for `clean`. */
  bytesCovered: number;
  outcome: VerdictOutcome;
  /** Signature or rule name, for `infected` (and heuristics reported as `error`). */
  signature?: string;
  /** Human-readable why, for `infected` and `error`. Never contains file content. */
  reason?: string;
}

export interface EngineVersion {
  engineVersion: string;
  signatureVersion: string;
}

export interface ScanOptions {
  /** Abort the scan; the verdict is then `error` (not cleared). */
  signal?: AbortSignal;
}

/**
 * The antivirus engine port.
 *
 * `scanFile` never rejects: every failure (engine down, timeout, limit hit,
 * unreadable file, abort) resolves to a verdict with outcome `error` and a
 * reason, so a caller cannot mistake a failure for `clean`. It reads the file
 * at `path` and does not modify or move it. Calls may run concurrently.
 *
 * `version` rejects with an `UnavailableError` when the engine cannot be
 * reached.
 */
export interface ScanEngine {
  readonly name: EngineName;
  scanFile(path: string, options?: ScanOptions): Promise<Verdict>;
  version(): Promise<EngineVersion>;
}

/** The verdict for a failure: not cleared, with the reason. */
export function errorVerdict(
  engine: EngineName,
  version: EngineVersion | undefined,
  bytesCovered: number,
  reason: string,
  signature?: string,
): Verdict {
  return {
    engine,
    engineVersion: version?.engineVersion ?? 'unknown',
    signatureVersion: version?.signatureVersion ?? 'unknown',
    bytesCovered,
    outcome: 'error',
    ...(signature ? { signature } : {}),
    reason,
  };
}

/**
 * The message of anything thrown. Not `instanceof Error`: errors raised by
 * Node's internals can come from another realm (test sandboxes) and would
 * lose their message.
 */
export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
