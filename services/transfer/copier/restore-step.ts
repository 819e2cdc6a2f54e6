import { chmod, link, mkdir, open, realpath, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { CopyError, errnoOf } from './errors';
import { digestOf, partialPaths, type CopyJob } from './partial';

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/** Is the file at `path` this repair's: the .part itself (linked before a crash), or the same bytes? */
async function isOurs(path: string, job: CopyJob, partIno: number | undefined): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return false;
  if (partIno !== undefined && s.ino === partIno) return true;
  return s.size === job.sizeBytes && (await digestOf(path))?.sha256 === job.sha256;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Publishes a repair's verified .part at the damaged replica's own path
 * (`job.restorePath`), so the replica the catalog names is whole again where
 * everyone looks for it. The audit moved a corrupt file aside and a missing
 * one is gone, so the name is free; the .part is hard-linked there (a link
 * never replaces a file that appeared since) and only ever appears complete
 * and fsynced. The path must stay inside the node, its folder made again if
 * it went with the file. No sidecar: the replica's own (if any) was not damaged
 * by the audit. Idempotent: after a crash, calling again finds what was done.
 */
export async function restore(job: CopyJob & { restorePath: string }): Promise<string> {
  const p = partialPaths(job);
  const target = job.restorePath;
  const refuse = (why: string, retryable = false) =>
    new CopyError('io', `transfer ${job.transferId} cannot restore ${target}: ${why}`, { retryable });
  if (!inside(job.targetRoot, target)) throw refuse(`it is not inside the node root ${job.targetRoot}`);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A folder swapped for a symbolic link would send the file outside the node.
  const [realRoot, realDir] = await Promise.all([realpath(job.targetRoot), realpath(dir)]);
  if (realDir !== realRoot && !inside(realRoot, realDir))
    throw refuse(`${dir} resolves to ${realDir}, outside the node`);
  const part = await stat(p.part).catch(() => undefined);
  if (part && part.size !== job.sizeBytes)
    throw refuse(`the partial ${p.part} has ${part.size} bytes, not the ${job.sizeBytes} verified: copy again`);
  // The hub's own area stays private (0600 as copied); elsewhere the node's systems read the file.
  if (part && !inside(join(job.targetRoot, '.mxhub'), target)) await chmod(p.part, 0o644);
  if (part) {
    try {
      await link(p.part, target);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
      if (!(await isOurs(target, job, part.ino))) throw refuse('another file took its name since the audit');
    }
  } else if (!(await isOurs(target, job, undefined))) {
    throw refuse(`the partial ${p.part} is gone and the file there is not the copy: copy again`);
  }
  await rm(p.part, { force: true });
  await rm(p.record, { force: true });
  await syncDir(dir);
  return target;
}
