import { lstat, opendir, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ValidationError } from '../../../lib/errors';

/** A regular file found on the mounted medium. */
export interface WalkedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the scanned root, with `/` separators (what reports show). */
  relPath: string;
  size: number;
}

/** Why an entry was not screened. Everything but dotfiles is reported to the operator. */
export type SkipReason = 'dotfile' | 'symlink' | 'special' | 'too-deep';

export interface SkippedEntry {
  path: string;
  relPath: string;
  reason: SkipReason;
}

export interface WalkResult {
  root: string;
  files: WalkedFile[];
  skipped: SkippedEntry[];
}

export interface WalkOptions {
  /** Deepest folder level walked below the root; deeper folders are reported as `too-deep`. @default 32 */
  maxDepth?: number;
}

const toPosix = (p: string) => p.split('\\').join('/');

/**
 * Lists the regular files under `root` (a mounted card, disk or USB stick),
 * sorted by path. The root itself is resolved once (the operator named it);
 * below it nothing is followed: a symbolic link on a card could point at
 * `/etc` or at another card and make the scan report files that are not on
 * the medium, so links are reported and skipped, as are sockets, FIFOs and
 * devices (reading a FIFO would block the scan forever). Dotfiles and
 * dot-folders (`.Trashes`, `._clip.mxf` AppleDouble files, `.Spotlight-V100`)
 * are operating-system droppings, not content, and are skipped like the
 * watch-folder connector skips them.
 */
export async function walkMedium(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxDepth = options.maxDepth ?? 32;
  let base: string;
  try {
    base = await realpath(root);
  } catch {
    throw new ValidationError(`PATH ${root} does not exist or cannot be read; give the mount point of the medium`);
  }
  const top = await lstat(base);
  if (!top.isDirectory() && !top.isFile())
    throw new ValidationError(`PATH ${root} is neither a folder nor a regular file`);
  const files: WalkedFile[] = [];
  const skipped: SkippedEntry[] = [];
  const rel = (p: string) => toPosix(relative(base, p)) || '.';
  if (top.isFile()) {
    files.push({ path: base, relPath: rel(base), size: top.size });
    return { root: base, files, skipped };
  }

  async function visit(dir: string, depth: number): Promise<void> {
    const entries = [];
    for await (const entry of await opendir(dir)) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) skipped.push({ path, relPath: rel(path), reason: 'dotfile' });
      else if (entry.isSymbolicLink()) skipped.push({ path, relPath: rel(path), reason: 'symlink' });
      else if (entry.isDirectory()) {
        if (depth >= maxDepth) skipped.push({ path, relPath: rel(path), reason: 'too-deep' });
        else await visit(path, depth + 1);
      } else if (entry.isFile()) {
        // lstat, not the dirent: the size is what the reports and progress use.
        const info = await lstat(path);
        if (info.isFile()) files.push({ path, relPath: rel(path), size: info.size });
        else skipped.push({ path, relPath: rel(path), reason: info.isSymbolicLink() ? 'symlink' : 'special' });
      } else skipped.push({ path, relPath: rel(path), reason: 'special' });
    }
  }

  await visit(base, 1);
  return { root: base, files, skipped };
}
