/** Stable rule ids of deep analysis: events, read models and tests match on them. */
export type AnalysisRule =
  | 'analysis.format-mismatch'
  | 'analysis.unknown-format'
  | 'analysis.truncated'
  | 'analysis.malformed'
  | 'analysis.mp4-no-moov'
  | 'analysis.mxf-partition'
  | 'analysis.wav-chunk-size'
  | 'analysis.trailing-data'
  | 'analysis.unreadable';

/** A policy rule names the technical field at fault: `policy.videoCodec`, `policy.frameRate`, ... */
export type PolicyRule = `policy.${string}`;

/**
 * The answer of one analysis step, shaped like the intrusion filter's.
 * `reason` is for people and never quotes file content: it names offsets,
 * sizes, box or chunk kinds and what would be accepted.
 */
export type StepResult<R extends AnalysisRule | PolicyRule = AnalysisRule> =
  { ok: true } | { ok: false; rule: R; reason: string };

export const passed: { ok: true } = Object.freeze({ ok: true });

export function refused<R extends AnalysisRule | PolicyRule>(rule: R, reason: string): StepResult<R> {
  return { ok: false, rule, reason };
}
