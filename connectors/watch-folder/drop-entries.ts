import type { Stats } from 'node:fs';

/**
 * What the connector makes of each entry it finds in a drop folder. Drop
 * folders are hostile ground: an entry is taken only when it is a regular
 * file with one link and a UTF-8 name; everything else gets a refusal with a
 * rule, said once, and stays where it was dropped, never followed or read.
 */

/** Name endings writers use while a file is not finished yet. */
export const DEFAULT_TEMPORARY_SUFFIXES = ['.part', '.tmp', '.crdownload', '~'];

/** A refusal: the rule broken and a sentence for the person who dropped it. */
export interface Refusal {
  rule: string;
  reason: string;
}

export type EntryVerdict = { take: true } | { ignore: true } | { refuse: Refusal };

/** Hidden files and names that end in one of `suffixes` (any case) are still being written. */
export function isTemporaryName(name: string, suffixes: readonly string[] = DEFAULT_TEMPORARY_SUFFIXES): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('.') || suffixes.some((s) => lower.endsWith(s.toLowerCase()));
}

/** The name when its bytes are valid UTF-8, else undefined (Node would silently replace the bad bytes). */
export function decodeName(raw: Buffer): string | undefined {
  const name = raw.toString('utf8');
  return Buffer.from(name, 'utf8').equals(raw) ? name : undefined;
}

/** A name for logs and events: printable ASCII as is, every other byte as \xNN. */
export function printableName(raw: Buffer): string {
  let out = '';
  for (const byte of raw)
    out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link (links are never followed)';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device file';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

export const notRegular = (stats: Stats): Refusal => ({
  rule: 'custody.not-regular-file',
  reason: `is ${kindOf(stats)}; only regular files are taken`,
});

export const hardLinked = (links: number): Refusal => ({
  rule: 'custody.hard-linked',
  reason: `has ${links} hard links: another name could rewrite it after screening; drop a file with one link`,
});

/** An entry of `drop/<target>/`, judged by its name (undefined: not UTF-8) and `lstat`. */
export function judgeDropEntry(name: string | undefined, stats: Stats, suffixes: readonly string[]): EntryVerdict {
  if (name === undefined) return { refuse: { rule: 'drop.bad-name', reason: 'its name is not valid UTF-8' } };
  if (isTemporaryName(name, suffixes)) return { ignore: true };
  if (stats.isDirectory())
    return {
      refuse: { rule: 'drop.sub-folder', reason: 'is a folder; drop files directly into drop/<target>/' },
    };
  if (!stats.isFile()) return { refuse: notRegular(stats) };
  if (stats.nlink > 1) return { refuse: hardLinked(stats.nlink) };
  return { take: true };
}

/**
 * An entry of `drop/` itself: the folders of known targets, and files for
 * the pool (taken as from a target's folder, kept on this node and sent
 * nowhere until a subscription or a fetch asks for them).
 */
export function judgeDropFolderEntry(
  name: string | undefined,
  stats: Stats,
  targets: ReadonlySet<string>,
  suffixes: readonly string[],
): EntryVerdict {
  if (name === undefined) return { refuse: { rule: 'drop.bad-name', reason: 'its name is not valid UTF-8' } };
  if (isTemporaryName(name, suffixes)) return { ignore: true };
  if (targets.has(name)) return { ignore: true }; // the node layout check judges the target folders themselves
  if (stats.isDirectory())
    return {
      refuse: {
        rule: 'drop.unknown-network',
        reason: `'${name}' is not a network this node may send to (known: ${[...targets].join(', ')})`,
      },
    };
  return judgeDropEntry(name, stats, suffixes);
}
