import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateDir } from './claim';
import { isNotFound } from './stability';

/** Which file a claim took from the drop folder: enough to tell whether it is still there. */
export interface ClaimedSource {
  dev: number;
  ino: number;
}

/**
 * What a claim was about, written before anything is copied: the one fact
 * (the target) that the staged files alone cannot tell, and which dropped
 * files it took. A record that is still there at start means the connector
 * stopped between claiming and recording; `recover` finishes the job from it.
 */
export interface ClaimRecord {
  assetId: string;
  target: string;
  /** Base names of the files, as dropped and as staged. */
  media: string;
  sidecar?: string;
  /** The dropped files by device and inode (absent in records of claims that renamed instead of copying). */
  source?: { media: ClaimedSource; sidecar?: ClaimedSource };
}

/** A record that could not be read back: reported, and set aside so it is reported once. */
export interface UnreadableRecord {
  file: string;
  error: string;
}

const ASSET_ID = /^[0-9a-f-]{36}$/;

/** Claim records of a node root, one JSON file per asset in `<root>/.mxhub/claims/`. */
export function createClaimRecords(root: string) {
  const dir = join(root, '.mxhub', 'claims');
  const file = (assetId: string) => join(dir, `${assetId}.json`);
  return {
    /**
     * Written to a temporary name, fsynced, then renamed: a full disk or a
     * crash leaves either no record or a whole one, never an empty file.
     */
    async write(record: ClaimRecord): Promise<void> {
      await privateDir(dir);
      const temporary = `${file(record.assetId)}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
        const handle = await open(temporary, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file(record.assetId));
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      }
    },
    async remove(assetId: string): Promise<void> {
      await rm(file(assetId), { force: true });
    },
    /**
     * Every record left behind, and those that cannot be read: an unreadable
     * one is renamed to `<name>.unreadable` (kept as evidence, not retried).
     */
    async list(): Promise<{ records: ClaimRecord[]; unreadable: UnreadableRecord[] }> {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if (isNotFound(err)) return { records: [], unreadable: [] };
        throw err;
      }
      const records: ClaimRecord[] = [];
      const unreadable: UnreadableRecord[] = [];
      for (const name of names) {
        if (name.endsWith('.tmp')) {
          // A write that never reached its rename: the claim it was for did not start.
          await rm(join(dir, name), { force: true });
          continue;
        }
        if (!name.endsWith('.json')) continue;
        const assetId = name.slice(0, -'.json'.length);
        try {
          if (!ASSET_ID.test(assetId)) throw new Error('the file name is not <asset id>.json');
          const record = JSON.parse(await readFile(file(assetId), 'utf8')) as ClaimRecord;
          if (record.assetId !== assetId || typeof record.target !== 'string' || typeof record.media !== 'string')
            throw new Error('it lacks assetId, target or media');
          records.push(record);
        } catch (err) {
          unreadable.push({ file: join(dir, name), error: (err as Error).message });
          await rename(join(dir, name), join(dir, `${name}.unreadable`)).catch(() => undefined);
        }
      }
      return { records, unreadable };
    },
  };
}
