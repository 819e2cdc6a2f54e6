import { bufferSource, sliceSource, streamOf, type ByteSource } from './byte-source';
import { firstRefusal, passed, refused, type CheckResult } from './check';
import { checkRatio, countBytes, countEntries, escapesRoot, type InspectionContext } from './archive-limits';
import { inflateWithBudget } from './inflate';
import { SNIFF_BYTES } from './magic';
import { readZipDirectory, zipDataOffset, ZipFormatError, type ZipEntry } from './zip';

const STORED = 0;
const DEFLATED = 8;

function declaredChecks(context: InspectionContext, entry: ZipEntry, where: string): Array<() => CheckResult> {
  return [
    () =>
      escapesRoot(entry.name)
        ? refused('archive.path-traversal', `${where} has a name that would be extracted outside the target directory`)
        : passed,
    () =>
      entry.encrypted
        ? refused('archive.encrypted', `${where} is encrypted, so its content cannot be screened; send it unencrypted`)
        : passed,
    () =>
      entry.method === STORED || entry.method === DEFLATED
        ? passed
        : refused(
            'archive.unsupported',
            `${where} uses zip compression method ${entry.method}; only stored and deflate members can be inspected`,
          ),
    () => countBytes(context, entry.uncompressedSize, where),
    () => checkRatio(context, entry.uncompressedSize, entry.compressedSize, where),
  ];
}

/**
 * Inflates a deflated member with its declared size as the budget, so a
 * member that lies about its size is caught after at most that many bytes;
 * small nested archives are kept in memory to be inspected in turn.
 */
async function inspectContent(
  source: ByteSource,
  context: InspectionContext,
  entry: ZipEntry,
  depth: number,
  where: string,
): Promise<CheckResult> {
  const start = await zipDataOffset(source, entry);
  if (entry.method === STORED) {
    if (entry.compressedSize !== entry.uncompressedSize)
      return refused('archive.malformed', `${where} is stored but declares two different sizes`);
    const member = sliceSource(source, start, entry.compressedSize);
    return context.member(await member.read(0, SNIFF_BYTES), member, depth, where);
  }
  const inflated = await inflateWithBudget(streamOf(source, start, start + entry.compressedSize), {
    format: 'deflate-raw',
    budget: entry.uncompressedSize,
    headBytes: SNIFF_BYTES,
    keepBytes: context.limits.maxInMemory,
  });
  if (inflated.exceeded) {
    return refused(
      'archive.ratio',
      `${where} inflates beyond the size it declares (${entry.uncompressedSize} bytes), a sign of a decompression bomb`,
    );
  }
  if (inflated.error || inflated.produced !== entry.uncompressedSize) {
    return refused(
      'archive.malformed',
      `${where} does not inflate to the size it declares (${inflated.error ?? `${inflated.produced} bytes`})`,
    );
  }
  return context.member(inflated.head, inflated.kept && bufferSource(inflated.kept), depth, where);
}

/** Inspects a zip from its central directory, then each member's content without writing it anywhere. */
export async function inspectZip(
  source: ByteSource,
  context: InspectionContext,
  depth: number,
  label: string,
): Promise<CheckResult> {
  try {
    const remaining = context.limits.maxEntries - context.used.entries;
    const directory = await readZipDirectory(source, { maxEntries: remaining, maxDirectoryBytes: 64 * 2 ** 20 });
    const counted = countEntries(context, directory.declaredEntries, label);
    if (!counted.ok) return counted;
    const files = directory.entries.filter((e) => !e.name.endsWith('/'));
    const declared = await firstRefusal(
      directory.entries.flatMap((e) => declaredChecks(context, e, `member ${e.index + 1} of ${label}`)),
    );
    if (!declared.ok) return declared;
    const total = files.reduce((sum, e) => sum + e.uncompressedSize, 0);
    const overall = checkRatio(context, total, source.size, label);
    if (!overall.ok) return overall;
    return await firstRefusal(
      files.map((e) => () => inspectContent(source, context, e, depth, `member ${e.index + 1} of ${label}`)),
    );
  } catch (error) {
    if (error instanceof ZipFormatError)
      return refused('archive.malformed', `${label} cannot be read: ${error.message}`);
    throw error;
  }
}
