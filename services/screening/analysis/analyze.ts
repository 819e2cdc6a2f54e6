import type { TargetOutcome } from '../../../events/catalog/asset-events';
import { ValidationError } from '../../../lib/errors';
import { withFileSource, type ByteSource } from '../intrusion/byte-source';
import { checkFormatMatchesName, detectFormat, DETECT_BYTES } from './detect-format';
import { createMediaInfoReader, type MetadataReader } from './mediainfo';
import { metadataExtent } from './metadata-extent';
import { defaultPolicies, targetOutcome, type AcceptancePolicies } from './policy';
import type { AnalysisRule } from './result';
import { checkStructure } from './structure';
import type { TechnicalMetadata } from './technical-metadata';

/**
 * The verdict of deep analysis. A refusal is for what may be hostile (a file
 * that is not what it claims, broken structure, unreadable metadata) and
 * quarantines; a sound file passes with each target's policy outcome
 * (accepted, transcode, refused for that target). `reason` never quotes file
 * content.
 */
export type AnalysisVerdict =
  | { passed: true; technical: TechnicalMetadata; targetOutcomes: Record<string, TargetOutcome> }
  | { passed: false; rule: AnalysisRule; reason: string };

export interface AnalyzerOptions {
  /** Acceptance policy per target name, validated with `loadPolicies`. @default defaultPolicies */
  policies?: AcceptancePolicies;
  /** Where technical metadata comes from. @default createMediaInfoReader() */
  metadata?: MetadataReader;
}

export interface Analyzer {
  /**
   * Screens the file at `path`: format from content against the extension of
   * `originalName`, then structure, then technical metadata (the first
   * refusal wins), then the policy of each of `targets` (none for a pool
   * asset). Throws `ValidationError` for a target without a policy, before
   * reading; I/O errors are thrown as they come.
   */
  analyze(path: string, originalName: string, targets: readonly string[]): Promise<AnalysisVerdict>;
  /** Same as `analyze`, on bytes already open (tests, archives members). */
  analyzeSource(source: ByteSource, originalName: string, targets: readonly string[]): Promise<AnalysisVerdict>;
  /** Releases the metadata engine; call once no analysis is pending. */
  close(): Promise<void>;
}

const isSystemError = (error: unknown) =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';

export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const policies = options.policies ?? defaultPolicies;
  const metadata = options.metadata ?? createMediaInfoReader();

  const policyOf = (target: string) => {
    const policy = policies[target];
    if (policy !== undefined) return policy;
    throw new ValidationError(
      `target '${target}' has no analysis policy; known targets: ${Object.keys(policies).join(', ')}`,
      { target },
    );
  };

  async function analyzeSource(
    source: ByteSource,
    originalName: string,
    targets: readonly string[],
  ): Promise<AnalysisVerdict> {
    const judged = targets.map((target) => [target, policyOf(target)] as const);
    const head = await source.read(0, DETECT_BYTES);
    const format = detectFormat(head);
    const named = checkFormatMatchesName(format, originalName);
    if (!named.ok) return { passed: false, rule: named.rule, reason: named.reason };
    const structure = await checkStructure(source, format, head);
    if (!structure.ok) return { passed: false, rule: structure.rule, reason: structure.reason };
    let technical: TechnicalMetadata;
    try {
      technical = await metadata.read(await metadataExtent(source, format));
    } catch (error) {
      // A failing disk is not the file's fault: retrying may succeed.
      if (isSystemError(error)) throw error;
      // The engine's message may echo parsed bytes, so it is not passed on.
      return {
        passed: false,
        rule: 'analysis.unreadable',
        reason: `the ${format} file could not be parsed for metadata`,
      };
    }
    const targetOutcomes = Object.fromEntries(
      judged.map(([target, policy]) => [target, targetOutcome(policy, technical, target)]),
    );
    return { passed: true, technical, targetOutcomes };
  }

  return {
    analyzeSource,
    analyze: (path, originalName, targets) =>
      withFileSource(path, (source) => analyzeSource(source, originalName, targets)),
    close: () => metadata.close(),
  };
}
