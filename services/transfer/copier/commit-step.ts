import { chmod, link, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { writeSidecar } from '../../screening/sidecar/write';
import { CopyError, errnoOf } from './errors';
import { digestOf, partialPaths, type CopyJob } from './partial';

/**
 * The names a transfer may deliver under, in order: the file's own name, then
 * `<base>.<first 8 chars of transferId><ext>` when that is taken by another
 * file. Both are fixed by the job, so a retry after a crash finds its file.
 */
export function deliveryNames(
  job: Pick<CopyJob, 'fileName' | 'transferId'>,
): Array<{ media: string; sidecar: string }> {
  const ext = extname(job.fileName);
  const base = job.fileName.slice(0, job.fileName.length - ext.length);
  const pair = (b: string, e: string) => ({
    media: `${b}${e}`,
    // A media file that is itself .xml keeps its name whole, so the sidecar never takes its place.
    sidecar: e.toLowerCase() === '.xml' ? `${b}${e}.xml` : `${b}.xml`,
  });
  return [pair(base, ext), pair(`${base}.${job.transferId.slice(0, 8)}`, ext)];
}

const statOrUndefined = (path: string) =>
  stat(path).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  });

/**
 * Delivered files are for the receiving network's systems, which read them
 * under their own user: readable by all, writable by the hub alone. While
 * partial they sit in the hub's 0700 folder, so nobody else sees them early.
 */
const DELIVERED_MODE = 0o644;

async function writeDurably(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: DELIVERED_MODE });
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Is the file at `path` this transfer's: the .part itself (hard-linked before a crash), or the same bytes? */
async function isOurs(path: string, job: CopyJob, partIno: number | undefined): Promise<boolean> {
  const s = await statOrUndefined(path);
  if (!s) return false;
  if (partIno !== undefined && s.ino === partIno) return true;
  if (s.size !== job.sizeBytes) return false;
  return (await digestOf(path))?.sha256 === job.sha256;
}

/** A sidecar slot is usable when it is empty or already holds exactly our sidecar. */
async function sidecarSlotFree(path: string, text: string | undefined): Promise<boolean> {
  if (text === undefined) return true;
  const existing = await readFile(path, 'utf8').catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  });
  return existing === undefined || existing === text;
}

/**
 * Publishes the verified .part into `inbox/` with its sidecar beside it, and
 * resolves with the delivered path. The media is hard-linked to its final
 * name and then unlinked from the partial folder: a link fails if the name
 * exists (a rename would silently replace a file that appeared since we
 * looked), and the file only ever appears there complete and fsynced.
 * Idempotent: after a crash at any point, calling again finds what was done.
 */
export async function publish(job: CopyJob): Promise<string> {
  const p = partialPaths(job);
  const text = job.sidecar ? writeSidecar(job.sidecar) : undefined;
  await mkdir(p.inbox, { recursive: true });
  const part = await statOrUndefined(p.part);
  if (part && part.size !== job.sizeBytes) {
    throw new CopyError(
      'io',
      `partial ${p.part} of transfer ${job.transferId} has ${part.size} bytes, not the ${job.sizeBytes} verified: copy again`,
      { retryable: false },
    );
  }
  if (part) await chmod(p.part, DELIVERED_MODE);
  // The sidecar goes first, fsynced under a temporary name, so that once the media is in the inbox its sidecar can follow by a rename alone.
  if (text !== undefined) await writeDurably(p.sidecar, text);

  let delivered: { media: string; sidecar: string } | undefined;
  for (const names of deliveryNames(job)) {
    const media = join(p.inbox, names.media);
    const sidecar = join(p.inbox, names.sidecar);
    // Our own sidecar from a run before a crash reads back identical, so a retry is not turned away here.
    if (!(await sidecarSlotFree(sidecar, text))) continue;
    if (part) {
      try {
        await link(p.part, media);
        delivered = { media, sidecar };
        break;
      } catch (err) {
        if (errnoOf(err) !== 'EEXIST') throw err;
      }
    }
    if (await isOurs(media, job, part?.ino)) {
      delivered = { media, sidecar };
      break;
    }
  }
  if (!delivered) {
    const tried = deliveryNames(job)
      .map((n) => n.media)
      .join(' and ');
    throw new CopyError(
      'io',
      part
        ? `inbox ${p.inbox} already holds other files named ${tried}: transfer ${job.transferId} cannot deliver without overwriting them`
        : `transfer ${job.transferId}: the partial ${p.part} is gone and ${p.inbox} holds no delivered copy (${tried}): copy again`,
      { retryable: false },
    );
  }
  if (text !== undefined) await rename(p.sidecar, delivered.sidecar);
  await rm(p.part, { force: true });
  await rm(p.record, { force: true });
  await syncDir(p.inbox);
  return delivered.media;
}
