import { mkdir, readFile, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayoutProblem } from '../../../lib/node-layout';

/** Space on a node's file system, from statfs. */
export interface NodeSpace {
  capacityBytes: number;
  freeBytes: number;
  usedBytes: number;
}

const errno = (err: unknown) => (err as { code?: string } | null)?.code ?? String(err);

/** Capacity and free space of the file system holding `root` (free as an unprivileged writer sees it). */
export async function nodeSpace(root: string): Promise<NodeSpace> {
  const s = await statfs(root);
  const capacityBytes = s.blocks * s.bsize;
  const freeBytes = s.bavail * s.bsize;
  return { capacityBytes, freeBytes, usedBytes: capacityBytes - s.bfree * s.bsize };
}

let probes = 0;

/**
 * One health probe of a node (lib/node-layout.ts runs it after a sound layout
 * check): statfs of its root, then a small file written, read back and
 * deleted in its hub area `<root>/.mxhub/`. Permissions do not stop root, so
 * the write is what tells a read-only or full file system, a mount gone
 * stale, or a root replaced by something else. `.mxhub` is made without
 * `recursive`: a vanished mount point must not be made again as an empty
 * folder on the parent file system. Never throws.
 */
export async function probeNode(node: { id: string; root: string }): Promise<LayoutProblem[]> {
  const hubArea = join(node.root, '.mxhub');
  const file = join(hubArea, `probe-${process.pid}-${++probes}`);
  const payload = `mxhub probe ${node.id} ${file}`;
  try {
    await nodeSpace(node.root);
  } catch (err) {
    return [{ path: node.root, why: `statfs failed (${errno(err)})` }];
  }
  try {
    await mkdir(hubArea).catch((err: unknown) => {
      if (errno(err) !== 'EEXIST') throw err;
    });
    await writeFile(file, payload, { flag: 'wx' });
    const back = await readFile(file, 'utf8');
    if (back !== payload) return [{ path: file, why: 'read back other bytes than were written' }];
  } catch (err) {
    return [{ path: file, why: `a probe file could not be written and read back (${errno(err)})` }];
  } finally {
    await unlink(file).catch(() => undefined);
  }
  return [];
}
