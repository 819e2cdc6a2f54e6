import { inspectArchive, type ArchiveLimits } from './archive';
import { withFileSource } from './byte-source';
import { firstRefusal, type CheckResult } from './check';
import { checkContent } from './content';
import { checkName, type NameRules } from './names';
import { checkSize, type SizeRules } from './sizes';

export interface IntrusionFilterOptions {
  names?: NameRules;
  sizes?: SizeRules;
  archives?: ArchiveLimits;
}

export interface IntrusionSubject {
  /** The name the file arrived with, as the dropper gave it (a base name). */
  originalName: string;
  /** Where the claimed file is now, under hub control. */
  path: string;
}

export interface IntrusionFilter {
  /**
   * Runs the checks in order (name, size, content, archive) and answers
   * with the first refusal, or `{ ok: true }`. Reads the file, never
   * modifies it, writes nothing to disk. Rejects only when the file cannot
   * be read; a caller treats that as not cleared.
   */
  check(subject: IntrusionSubject): Promise<CheckResult>;
}

/** The intrusion-filtering stage of screening, configured once. */
export function createIntrusionFilter(options: IntrusionFilterOptions = {}): IntrusionFilter {
  return {
    check: (subject) =>
      withFileSource(subject.path, (source) =>
        firstRefusal([
          () => checkName(subject.originalName, options.names),
          () => checkSize(source.size, options.sizes),
          () => checkContent(source),
          () => inspectArchive(source, options.archives),
        ]),
      ),
  };
}
