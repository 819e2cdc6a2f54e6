// Part of the hand-written clamd client: why it is not a library is said at the top of clamd.ts.
import type { EngineVersion, VerdictOutcome } from './scan-engine';

export interface ClamdFinding {
  outcome: VerdictOutcome;
  signature?: string;
  reason?: string;
}

/**
 * Heuristic names that mean "clamd could not look at everything", not "clamd
 * found malware": they are reported as `error` (not cleared) so that the
 * reason says what to fix (raise a limit, ask for an unencrypted file).
 */
const incompleteScan: Array<[RegExp, string]> = [
  [/^Heuristics\.Limits\.Exceeded/, 'clamd hit one of its scan limits (size, recursion or files)'],
  [/^Heuristics\.Encrypted/, 'encrypted content cannot be scanned'],
];

/**
 * Reads one INSTREAM reply:
 * `stream: OK`, `stream: <name> FOUND`, `<message> ERROR`
 * (e.g. `INSTREAM size limit exceeded. ERROR`). Anything else is an error:
 * an unknown answer must not count as clean.
 */
export function interpretClamdReply(reply: string): ClamdFinding {
  const text = reply.replace(/^stream:\s*/, '');
  if (text === 'OK') return { outcome: 'clean' };
  const found = /^(.+) FOUND$/.exec(text);
  if (found?.[1]) {
    const signature = found[1].trim();
    const limit = incompleteScan.find(([pattern]) => pattern.test(signature));
    if (limit) return { outcome: 'error', signature, reason: `${limit[1]} (${signature})` };
    return { outcome: 'infected', signature, reason: `ClamAV signature ${signature} matched` };
  }
  const error = /^(.*?)\s*ERROR$/.exec(text);
  if (error) return { outcome: 'error', reason: `clamd refused the scan: ${error[1] || 'unspecified error'}` };
  return { outcome: 'error', reason: `clamd gave an answer the hub does not understand: ${text.slice(0, 120)}` };
}

/**
 * `ClamAV 1.4.6/27452/Fri Nov 21 09:31:02 2026` -> engine `ClamAV 1.4.6`,
 * signatures `27452 (Fri Nov 21 09:31:02 2026)`. With only custom databases
 * (no daily.cvd, as in tests) clamd reports no signature version.
 */
export function parseClamdVersion(reply: string): EngineVersion {
  const [engine, database, date] = reply.trim().split('/');
  const engineVersion = engine?.trim() || 'unknown';
  if (!database) return { engineVersion, signatureVersion: 'custom databases only (no official version)' };
  return { engineVersion, signatureVersion: date ? `${database} (${date.trim()})` : database };
}
