import { chmod, link, mkdir, open, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { writeSidecar } from '../../../formats/sidecar/write';
import { CopyError, errnoOf } from './errors';
import { digestOf, partialPaths, type CopyJob } from './partial';

/** The longest file name ext4, XFS and btrfs take, in bytes. */
const NAME_MAX_BYTES = 255;
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The longest start of `s` that takes at most `max` UTF-8 bytes, cut between characters, never inside one. */
function cutToBytes(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    used += utf8Bytes(ch);
    if (used > max) break;
    out += ch;
  }
  return out;
}

/**
 * The names a transfer may deliver under, in order: the file's own name, then
 * `<base>.<first 8 chars of transferId><ext>` when that is taken by another
 * file. Both are fixed by the job, so a retry after a crash finds its file.
 * A name that would pass 255 bytes (the media's, or its sidecar's when the
 * job has one) has its base shortened to fit, so a long name collides no
 * worse than a short one instead of failing every retry with ENAMETOOLONG.
 */
export function deliveryNames(
  job: Pick<CopyJob, 'fileName' | 'transferId' | 'sidecar'>,
): [{ media: string; sidecar: string }, { media: string; sidecar: string }] {
  let ext = extname(job.fileName);
  const suffix = `.${job.transferId.slice(0, 8)}`;
  // An "extension" too long to keep whole beside the suffix and a sidecar's .xml is part of the base instead.
  if (utf8Bytes(`${suffix}${ext}.xml`) >= NAME_MAX_BYTES) ext = '';
  const base = job.fileName.slice(0, job.fileName.length - ext.length);
  // A media file that is itself .xml keeps its name whole, so the sidecar never takes its place.
  const sidecarExt = ext.toLowerCase() === '.xml' ? `${ext}.xml` : '.xml';
  const tail = Math.max(utf8Bytes(ext), job.sidecar ? utf8Bytes(sidecarExt) : 0);
  const pair = (b: string) => {
    const fitted = cutToBytes(b, NAME_MAX_BYTES - tail);
    return { media: `${fitted}${ext}`, sidecar: `${fitted}${sidecarExt}` };
  };
  return [pair(base), pair(`${cutToBytes(base, NAME_MAX_BYTES - tail - suffix.length)}${suffix}`)];
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
 * Refuses to write into `inbox/` unless it is still the real folder
 * `<real path of the node root>/inbox`: a symbolic link put in its place would
 * send the file outside the node (the saga waits while the node's layout is
 * unsound; this catches a swap since it looked). Node has no linkat() or
 * renameat() on a folder handle, so this is check-then-link: a swap in the
 * moment between the two is not caught, and only someone who can already
 * write the node root can make one.
 */
async function assertInboxInNode(job: CopyJob, inbox: string): Promise<void> {
  const [realRoot, realInbox] = await Promise.all([realpath(job.targetRoot), realpath(inbox)]);
  const expected = join(realRoot, job.folder ?? 'inbox');
  if (realInbox !== expected) {
    throw new CopyError(
      'io',
      `inbox ${inbox} resolves to ${realInbox}, not to ${expected} inside the node root: ` +
        `transfer ${job.transferId} does not deliver outside the node`,
      { details: { inbox, resolvesTo: realInbox } },
    );
  }
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
  // Checked before the names are looked at too: a foreign folder's files must not turn the transfer away for good.
  await assertInboxInNode(job, p.inbox);
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
      await assertInboxInNode(job, p.inbox);
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
  if (text !== undefined) {
    await assertInboxInNode(job, p.inbox);
    await rename(p.sidecar, delivered.sidecar);
  }
  await rm(p.part, { force: true });
  await rm(p.record, { force: true });
  await syncDir(p.inbox);
  return delivered.media;
}
