import { createHash, randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ValidationError } from '../../../lib/errors';

/** A file that was screened, and the digest it was screened with. */
export interface ScreenedFile {
  path: string;
  sha256: string;
}

export interface Delivered {
  media: string;
  sidecar?: string;
}

/** How many `-N` suffixes are tried before giving up on a name. */
const MAX_SUFFIX = 999;

/**
 * Copies `from` to a hidden temporary name in `dir`, hashing on the way. The
 * card is not under hub control: a copy whose digest is not the one screened
 * means the file changed since, so it is removed and the delivery refused.
 */
async function copyChecked(from: ScreenedFile, dir: string): Promise<string> {
  const temp = join(dir, `.${basename(from.path)}.${randomBytes(4).toString('hex')}.part`);
  const source = await open(from.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      source.createReadStream({ highWaterMark: 1024 * 1024 }),
      tap,
      createWriteStream(temp, { flags: 'wx' }),
    );
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (hash.digest('hex') !== from.sha256) {
    await unlink(temp);
    throw new ValidationError(`${from.path} changed after it was screened; scan the medium again`);
  }
  return temp;
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Puts `temp` at `final` unless something is there already. A hard link
 * fails with EEXIST instead of replacing, so a file a dropper or another
 * scan put there in the meantime is never overwritten; file systems without
 * hard links (exFAT, some network shares) fall back to check-then-rename,
 * which leaves a window of a few microseconds.
 */
async function placeNoClobber(temp: string, final: string): Promise<boolean> {
  try {
    await link(temp, final);
    await unlink(temp);
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code(error) ?? '')) throw error;
    if (await exists(final)) return false;
    await rename(temp, final);
    return true;
  }
}

const suffixed = (name: string, n: number) => {
  if (n === 0) return name;
  const ext = extname(name);
  return `${ext ? name.slice(0, -ext.length) : name}-${n}${ext}`;
};

/**
 * Hands a cleared file (and its sidecar) to a network's flow: copies both
 * into `dropDir` under hidden `.part` names, which the watch-folder connector
 * ignores, then puts them in place one right after the other, so the
 * connector sees media and sidecar together and pairs them. An existing
 * file is never overwritten: the pair takes the first free `-N` suffix on
 * the same base name (`clip-1.MXF` with `clip-1.xml`), so it still pairs.
 */
export async function deliverToDrop(dropDir: string, media: ScreenedFile, sidecar?: ScreenedFile): Promise<Delivered> {
  await mkdir(dropDir, { recursive: true });
  const tempMedia = await copyChecked(media, dropDir);
  let tempSidecar: string | undefined;
  try {
    tempSidecar = sidecar ? await copyChecked(sidecar, dropDir) : undefined;
    const mediaName = basename(media.path);
    // The sidecar must share the media's base name to pair: `<media stem>.xml`, whatever the card called it.
    const sidecarName = sidecar ? `${basename(mediaName, extname(mediaName))}${extname(sidecar.path)}` : undefined;
    for (let n = 0; n <= MAX_SUFFIX; n++) {
      const finalMedia = join(dropDir, suffixed(mediaName, n));
      const finalSidecar = sidecarName ? join(dropDir, suffixed(sidecarName, n)) : undefined;
      if ((await exists(finalMedia)) || (finalSidecar && (await exists(finalSidecar)))) continue;
      if (!(await placeNoClobber(tempMedia, finalMedia))) continue;
      if (!tempSidecar || !finalSidecar) return { media: finalMedia };
      if (await placeNoClobber(tempSidecar, finalSidecar)) return { media: finalMedia, sidecar: finalSidecar };
      // The sidecar's name was taken in between: take the media back (it is too new to be claimed) and move on.
      await rename(finalMedia, tempMedia);
    }
    throw new ValidationError(`${dropDir} already holds ${mediaName} and ${MAX_SUFFIX} suffixed copies of it`);
  } finally {
    await unlink(tempMedia).catch(() => undefined);
    if (tempSidecar) await unlink(tempSidecar).catch(() => undefined);
  }
}
