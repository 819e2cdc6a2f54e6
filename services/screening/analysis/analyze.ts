import { ValidationError } from '../../../lib/errors';
import { withFileSource, type ByteSource } from '../intrusion/byte-source';
import { checkFormatMatchesName, detectFormat, DETECT_BYTES } from './detect-format';
import { createMediaInfoReader, type MetadataReader } from './mediainfo';
import { metadataExtent } from './metadata-extent';
import { checkPolicy, defaultPolicies, type AcceptancePolicies } from './policy';
import type { AnalysisRule, PolicyRule } from './result';
import { checkStructure } from './structure';
import type { TechnicalMetadata } from './technical-metadata';

/**
 * The verdict of deep analysis. `technical` is present whenever MediaInfo
 * got to read the file, so a policy refusal still shows what was found.
 * `reason` never quotes file content.
 */
export type AnalysisVerdict =
  | { passed: true; technical: TechnicalMetadata }
  | { passed: false; rule: AnalysisRule | PolicyRule; reason: string; technical?: TechnicalMetadata };

export interface AnalyzerOptions {
  /** Acceptance policy per target name, validated with `loadPolicies`. @default defaultPolicies */
  policies?: AcceptancePolicies;
  /** Where technical metadata comes from. @default createMediaInfoReader() */
  metadata?: MetadataReader;
}

export interface Analyzer {
  /**
   * Screens the file at `path`: format from content against the extension of
   * `originalName`, then structure, then technical metadata, then the
   * policy of `target`. The first refusal wins. Throws `ValidationError` for
   * a target without a policy; I/O errors are thrown as they come.
   */
  analyze(path: string, originalName: string, target: string): Promise<AnalysisVerdict>;
  /** Same as `analyze`, on bytes already open (tests, archives members). */
  analyzeSource(source: ByteSource, originalName: string, target: string): Promise<AnalysisVerdict>;
  /** Releases the metadata engine; call once no analysis is pending. */
  close(): Promise<void>;
}

const isSystemError = (error: unknown) =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';

export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const policies = options.policies ?? defaultPolicies;
  const metadata = options.metadata ?? createMediaInfoReader();

  async function analyzeSource(source: ByteSource, originalName: string, target: string): Promise<AnalysisVerdict> {
    const policy = policies[target];
    if (policy === undefined) {
      throw new ValidationError(
        `target '${target}' has no analysis policy; known targets: ${Object.keys(policies).join(', ')}`,
        { target },
      );
    }
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
    const accepted = checkPolicy(policy, technical);
    if (!accepted.ok)
      return { passed: false, rule: accepted.rule, reason: `target '${target}': ${accepted.reason}`, technical };
    return { passed: true, technical };
  }

  return {
    analyzeSource,
    analyze: (path, originalName, target) =>
      withFileSource(path, (source) => analyzeSource(source, originalName, target)),
    close: () => metadata.close(),
  };
}
