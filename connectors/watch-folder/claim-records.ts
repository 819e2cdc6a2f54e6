import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateDir } from './claim';
import { isNotFound } from './stability';

/**
 * What a claim was about, written before the first rename: the one fact
 * (the target) that the staged files alone cannot tell. A record that is
 * still there at start means the connector stopped between claiming and
 * recording; `recover` finishes the job from it.
 */
export interface ClaimRecord {
  assetId: string;
  target: string;
  /** Base names of the files, as dropped and as staged. */
  media: string;
  sidecar?: string;
}

const ASSET_ID = /^[0-9a-f-]{36}$/;

/** Claim records of a node root, one JSON file per asset in `<root>/.mxhub/claims/`. */
export function createClaimRecords(root: string) {
  const dir = join(root, '.mxhub', 'claims');
  const file = (assetId: string) => join(dir, `${assetId}.json`);
  return {
    async write(record: ClaimRecord): Promise<void> {
      await privateDir(dir);
      await writeFile(file(record.assetId), JSON.stringify(record), { mode: 0o600 });
    },
    async remove(assetId: string): Promise<void> {
      await rm(file(assetId), { force: true });
    },
    /** Every record left behind; unreadable ones are skipped, as they can only come from tampering. */
    async list(): Promise<ClaimRecord[]> {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
      const records: ClaimRecord[] = [];
      for (const name of names) {
        const assetId = name.replace(/\.json$/, '');
        if (!ASSET_ID.test(assetId)) continue;
        try {
          const record = JSON.parse(await readFile(file(assetId), 'utf8')) as ClaimRecord;
          if (record.assetId === assetId && typeof record.target === 'string' && typeof record.media === 'string')
            records.push(record);
        } catch {
          continue;
        }
      }
      return records;
    },
  };
}
