import type { Stats } from 'node:fs';
import { link, lstat, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { copyHeld, hubFolders, openDropped, privateDir, removeIfEmpty, unchanged, type HeldFile } from './claim';
import type { ClaimedSource, ClaimRecord, createClaimRecords } from './claim-records';
import type { Refusal } from './drop-entries';
import type { DropUnit } from './pairing';
import { isNotFound } from './stability';

/** How a claim ended. `claimed` carries the SHA-256 and size of the staged copy, hashed as it was written. */
export type ClaimOutcome =
  | { kind: 'claimed'; record: ClaimRecord; sha256: string; sizeBytes: number }
  | { kind: 'vanished' }
  /** The file moved since it was found stable, or while it was copied: it is left for a later claim. */
  | { kind: 'changed'; file: string; refusal?: Refusal }
  | { kind: 'refused'; file: string; refusal: Refusal };

export interface CustodyClaimDeps {
  root: string;
  records: ReturnType<typeof createClaimRecords>;
  logger: Logger;
  /** The stats at which a file was found stable, if the caller knows them. */
  stableStats?: (file: string) => Stats | undefined;
  /** Refusals of a sidecar (the media goes on alone); the caller says them once. */
  onRefused: (file: string, refusal: Refusal) => Promise<void>;
}

const changedAfterClaim = (file: string): Refusal => ({
  rule: 'custody.changed-after-claim',
  reason: `${basename(file)} changed while the hub was claiming it; it is taken again once it stays still, whole`,
});

const sourceOf = (s: Stats): ClaimedSource => ({ dev: s.dev, ino: s.ino });

/**
 * The claim: takes a dropped unit into hub custody so that what is hashed,
 * screened and delivered is provably one set of bytes.
 *
 * Each dropped file is opened without following links and checked on its
 * descriptor (a regular file with one link), then copied into a new file in
 * the asset's 0700 staging folder, hashed in the same pass. The dropper never
 * held that copy, so a second link or an open descriptor it kept can no
 * longer change what the hub holds. The copy counts only if the dropped file
 * did not move while it was read (same inode, size and mtime before and
 * after); otherwise it is thrown away and the file is left to settle and be
 * claimed again, whole.
 *
 * Crash safety: the claim record (with the dropped files' inodes) is written
 * before any copy; copies wait in `.claiming/` until every original has left
 * the drop folder, then move into staging. `resume` decides from the record
 * and what is on disk whether to finish a claim or forget it.
 */
export function createCustodyClaim(deps: CustodyClaimDeps) {
  const { root, records, logger } = deps;
  const folders = hubFolders(root);

  /** The drop folder must still be the node's own: an intermediate link would be followed by open(). */
  async function insideNode(file: string, target: string): Promise<boolean> {
    const expected = join(await realpath(root), 'drop', target);
    return (await realpath(dirname(file)).catch(() => undefined)) === expected;
  }

  function changedSinceStable(held: HeldFile): boolean {
    const stable = deps.stableStats?.(held.path);
    return stable !== undefined && !unchanged(stable, held.stats);
  }

  const asideOf = (claiming: string, name: string) => join(claiming, `.dropped-${name}`);

  /**
   * Takes the original out of the drop folder into `.claiming/`: the rename
   * has one winner, so two claimers never take one file. Resolves false when
   * the file is gone, or when what was renamed is not the file held (swapped
   * in at that instant), which is then put back, never removed.
   */
  async function takeAside(held: HeldFile, claiming: string): Promise<boolean> {
    const aside = asideOf(claiming, basename(held.path));
    try {
      await rename(held.path, aside);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    const moved = await lstat(aside);
    if (moved.dev === held.stats.dev && moved.ino === held.stats.ino) return true;
    await putBack(aside, held.path);
    return false;
  }

  /** Returns an original to its drop path without overwriting anything that appeared there since. */
  async function putBack(aside: string, dropped: string): Promise<void> {
    try {
      await link(aside, dropped);
      await rm(aside, { force: true });
    } catch (err) {
      logger.error(
        { err, file: dropped, keptAt: aside },
        'a dropped file could not be put back; it is kept in the hub area',
      );
    }
  }

  async function claim(unit: DropUnit, assetId: string): Promise<ClaimOutcome> {
    if (!(await insideNode(unit.media, unit.target)))
      throw new Error(`the drop folder of ${unit.media} is no longer inside the node root`);
    const held: HeldFile[] = [];
    const claiming = folders.claiming(assetId);
    const staging = folders.staging(assetId);
    const taken: HeldFile[] = [];
    /** Undoes a claim whose copies are not all checked: originals back to the drop folder, copies gone. */
    const undo = async () => {
      for (const h of taken) await putBack(asideOf(claiming, basename(h.path)), h.path);
      await forget(assetId);
    };
    try {
      const media = await openDropped(unit.media);
      if (!media) return { kind: 'vanished' };
      if ('refuse' in media) return { kind: 'refused', file: unit.media, refusal: media.refuse };
      held.push(media);
      if (changedSinceStable(media)) return { kind: 'changed', file: unit.media };
      let sidecar: HeldFile | undefined;
      if (unit.sidecar) {
        const opened = await openDropped(unit.sidecar);
        if (opened && 'refuse' in opened) await deps.onRefused(unit.sidecar, opened.refuse);
        else if (opened) held.push((sidecar = opened));
      }
      const record: ClaimRecord = {
        assetId,
        target: unit.target,
        media: basename(media.path),
        ...(sidecar ? { sidecar: basename(sidecar.path) } : {}),
        source: { media: sourceOf(media.stats), ...(sidecar ? { sidecar: sourceOf(sidecar.stats) } : {}) },
      };
      let copied: { sha256: string; sizeBytes: number };
      try {
        await privateDir(claiming);
        await records.write(record);
        if (!(await takeAside(media, claiming))) {
          await undo();
          return { kind: 'vanished' };
        }
        taken.push(media);
        // A sidecar that vanished between pairing and claiming leaves its media alone, not stuck.
        if (sidecar && (await takeAside(sidecar, claiming))) taken.push(sidecar);
        else if (sidecar) delete record.sidecar;
        copied = await copyHeld(media, join(claiming, record.media));
        if (record.sidecar) await copyHeld(sidecar!, join(claiming, record.sidecar));
        for (const h of taken) {
          const after = await h.handle.stat();
          const named = await lstat(asideOf(claiming, basename(h.path))).catch(() => undefined);
          if (!named || !unchanged(h.stats, after) || !unchanged(h.stats, named)) {
            await undo();
            return { kind: 'changed', file: h.path, refusal: changedAfterClaim(h.path) };
          }
        }
      } catch (err) {
        await undo();
        throw err;
      }
      // The copies are whole and checked: from here on a crash is finished by `resume`, never undone.
      for (const name of [record.media, record.sidecar]) {
        if (!name) continue;
        await rm(asideOf(claiming, name), { force: true });
        await rename(join(claiming, name), join(staging, name));
      }
      await removeIfEmpty(claiming);
      return { kind: 'claimed', record, ...copied };
    } finally {
      await Promise.all(held.map((h) => h.handle.close().catch(() => undefined)));
    }
  }

  /** Forgets a claim that took nothing for good: its copies and record go. */
  async function forget(assetId: string): Promise<void> {
    await rm(folders.claiming(assetId), { recursive: true, force: true });
    await records.remove(assetId);
    await removeIfEmpty(folders.staging(assetId));
  }

  const exists = (path: string) =>
    lstat(path).then(
      () => true,
      () => false,
    );

  /**
   * After a crash: `record` when the claim had checked its copy of the media
   * (it is put in place), `forgotten` when it had not (an original still held
   * aside goes back to the drop folder, where the watcher finds it again).
   * A sidecar whose checked copy is missing is put back to come on its own.
   */
  async function resume(record: ClaimRecord): Promise<'record' | 'forgotten'> {
    const { assetId } = record;
    const staging = folders.staging(assetId);
    const claiming = folders.claiming(assetId);
    const dropped = (name: string) => join(root, 'drop', record.target, name);
    if (!record.source) return (await exists(join(staging, record.media))) ? 'record' : 'forgotten';
    const names = [record.media, ...(record.sidecar ? [record.sidecar] : [])];
    const mediaPlaced = await exists(join(staging, record.media));
    if (!mediaPlaced && (await exists(asideOf(claiming, record.media)))) {
      // The media's copy was never confirmed: the whole claim is undone.
      for (const name of names)
        if (await exists(asideOf(claiming, name))) await putBack(asideOf(claiming, name), dropped(name));
      await forget(assetId);
      return 'forgotten';
    }
    if (!mediaPlaced && !(await exists(join(claiming, record.media)))) {
      await forget(assetId);
      return 'forgotten';
    }
    // The media's copy was checked (its original is gone): every copy left was checked too.
    for (const name of names) {
      if (await exists(join(staging, name))) continue;
      if (await exists(join(claiming, name))) {
        await rm(asideOf(claiming, name), { force: true });
        await rename(join(claiming, name), join(staging, name));
      } else if (name === record.sidecar) delete record.sidecar;
    }
    await rm(claiming, { recursive: true, force: true });
    return 'record';
  }

  return { claim, resume };
}
