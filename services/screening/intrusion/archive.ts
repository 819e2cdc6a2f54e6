import { bufferSource, sliceSource, streamOf, type ByteSource } from './byte-source';
import { formatBytes, passed, refused, type CheckResult } from './check';
import {
  checkRatio,
  countBytes,
  countEntries,
  defaultArchiveLimits,
  escapesRoot,
  type ArchiveLimits,
  type InspectionContext,
} from './archive-limits';
import { inspectZip } from './archive-zip';
import { inflateWithBudget } from './inflate';
import { sniff, SNIFF_BYTES, type ArchiveFormat } from './magic';
import { TarFormatError, walkTar } from './tar';

export type { ArchiveLimits } from './archive-limits';

async function inspectTar(
  source: ByteSource,
  context: InspectionContext,
  depth: number,
  label: string,
): Promise<CheckResult> {
  let result = passed;
  try {
    await walkTar(source, async (entry) => {
      const where = `member ${entry.index + 1} of ${label}`;
      if (escapesRoot(entry.name)) {
        result = refused(
          'archive.path-traversal',
          `${where} has a name that would be extracted outside the target directory`,
        );
      } else {
        result = countEntries(context, 1, label);
      }
      // Regular files only ('0', old-style '\0', contiguous '7'): links and
      // directories carry no data of their own.
      if (result.ok && '07'.includes(entry.type)) {
        result = countBytes(context, entry.size, where);
        if (result.ok) {
          const member = sliceSource(source, entry.dataOffset, entry.size);
          result = await context.member(await member.read(0, SNIFF_BYTES), member, depth, where);
        }
      }
      return result.ok;
    });
  } catch (error) {
    if (error instanceof TarFormatError)
      return refused('archive.malformed', `${label} cannot be read: ${error.message}`);
    throw error;
  }
  return result;
}

/**
 * A gzip stream is inflated with a budget of `maxRatio` times its size (at
 * least `ratioFloor`) and never more than the total-size limit left. A tar
 * inside (tar.gz) is inspected at the same level if it fits in memory.
 */
async function inspectGzip(
  source: ByteSource,
  context: InspectionContext,
  depth: number,
  label: string,
): Promise<CheckResult> {
  const { maxRatio, ratioFloor, maxTotalSize, maxInMemory } = context.limits;
  const byRatio = Math.max(ratioFloor, maxRatio * source.size);
  const byTotal = maxTotalSize - context.used.bytes;
  const inflated = await inflateWithBudget(streamOf(source), {
    format: 'gzip',
    budget: Math.min(byRatio, byTotal),
    headBytes: SNIFF_BYTES,
    keepBytes: maxInMemory,
  });
  if (inflated.exceeded) {
    return byRatio <= byTotal
      ? checkRatio(context, inflated.produced, source.size, label)
      : countBytes(context, inflated.produced, label);
  }
  if (inflated.error) return refused('archive.malformed', `${label} cannot be decompressed: ${inflated.error}`);
  const payload = sniff(inflated.head);
  if (payload.kind === 'archive' && payload.format === 'tar') {
    if (!inflated.kept) {
      return refused(
        'archive.total-size',
        `${label} holds a tar of ${formatBytes(inflated.produced)}, more than the ${formatBytes(maxInMemory)} that can be inspected in memory`,
      );
    }
    return inspectTar(bufferSource(inflated.kept), context, depth, `the tar inside ${label}`);
  }
  const counted = countBytes(context, inflated.produced, label);
  if (!counted.ok) return counted;
  return context.member(inflated.head, inflated.kept && bufferSource(inflated.kept), depth, `the content of ${label}`);
}

async function inspectFormat(
  source: ByteSource,
  format: ArchiveFormat,
  context: InspectionContext,
  depth: number,
  label: string,
): Promise<CheckResult> {
  const { maxDepth } = context.limits;
  if (depth > maxDepth) {
    return refused(
      'archive.depth',
      `${label} is an archive nested ${depth} levels deep; at most ${maxDepth} levels are accepted`,
    );
  }
  if (format === 'zip') return inspectZip(source, context, depth, label);
  if (format === 'tar') return inspectTar(source, context, depth, label);
  if (format === 'gzip') return inspectGzip(source, context, depth, label);
  return refused(
    'archive.unsupported',
    `${label} is a ${format} archive, which cannot be inspected without extracting it; send zip, tar or tar.gz`,
  );
}

function createContext(limits: ArchiveLimits): InspectionContext {
  const context: InspectionContext = {
    limits: { ...defaultArchiveLimits, ...limits },
    used: { entries: 0, bytes: 0 },
    async member(head, source, depth, where) {
      const kind = sniff(head);
      if (kind.kind === 'executable')
        return refused('content.executable', `${where} is an executable (${kind.format})`);
      if (kind.kind === 'script') return refused('content.script', `${where} is a script (${kind.format})`);
      if (kind.kind !== 'archive') return passed;
      if (!source) {
        return refused(
          'archive.total-size',
          `${where} is a nested archive larger than the ${formatBytes(context.limits.maxInMemory)} that can be inspected in memory`,
        );
      }
      return inspectFormat(source, kind.format, context, depth + 1, where);
    },
  };
  return context;
}

/**
 * Inspects `source` if it is an archive (recognised by content, not by
 * name): nesting depth, expansion ratio, member count, total size,
 * encryption, member names, and executables or scripts among the members.
 * Nothing is extracted to disk; nested archives are inflated into memory up
 * to `maxInMemory`. Archive formats that cannot be inspected this way (7z,
 * rar, xz...) are refused: fail closed. Anything else passes.
 */
export async function inspectArchive(source: ByteSource, limits: ArchiveLimits = {}): Promise<CheckResult> {
  const kind = sniff(await source.read(0, SNIFF_BYTES));
  if (kind.kind !== 'archive') return passed;
  return inspectFormat(source, kind.format, createContext(limits), 1, `the ${kind.format} archive`);
}
