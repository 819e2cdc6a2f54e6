import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../../lib/errors';
import { hubFolders, privateDir, removeIfEmpty } from '../../connectors/watch-folder/claim';

/**
 * Where an asset's files are kept while the hub holds them: its staging
 * folder while it is screened and delivered, its quarantine folder once
 * refused. Moving between the two is a rename on the node's file system,
 * so the file never leaves hub control and is never copied.
 */
export interface Custody {
  /** The media file in staging, moving it back from quarantine if a crash or a release left it there. */
  locate(asset: AssetRef): Promise<string | undefined>;
  /**
   * The sidecar named `name` beside the staged media (its `.xml` in any
   * case, as the connector pairs them), or undefined when it is not there.
   * Call after `locate`, which brings the files back to staging.
   */
  locateSidecar(asset: AssetRef, name: string): Promise<string | undefined>;
  /** Moves the asset's files (media and sidecar) to quarantine; resolves with the media's new path. */
  quarantine(asset: AssetRef): Promise<string>;
  /** Moves a quarantined asset's files back to staging. */
  release(asset: AssetRef): Promise<void>;
  /** Removes what the hub keeps of the asset (after its AssetDeleted event). */
  remove(asset: AssetRef): Promise<void>;
}

/** Which asset, on which network's node, and where its media was staged. */
export interface AssetRef {
  assetId: string;
  sourceNetwork: string;
  stagedPath: string;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Moves every file of `from` into `to`, then removes `from` if empty. Idempotent. */
async function moveFiles(from: string, to: string): Promise<void> {
  const names = await readdir(from).catch(() => [] as string[]);
  if (names.length === 0) return;
  await privateDir(to);
  for (const name of names) await rename(join(from, name), join(to, name));
  await removeIfEmpty(from);
}

/** Custody on the node roots of the networks. */
export function createCustody(networks: Array<{ id: string; root: string }>): Custody {
  const roots = new Map(networks.map((n) => [n.id, n.root]));
  const folders = ({ assetId, sourceNetwork }: AssetRef) => {
    const root = roots.get(sourceNetwork);
    if (!root) throw new ConfigError(`asset ${assetId}: network '${sourceNetwork}' has no node root in the config`);
    return hubFolders(root);
  };
  return {
    async locate(asset) {
      const { assetId, stagedPath } = asset;
      if (await exists(stagedPath)) return stagedPath;
      const f = folders(asset);
      if (!(await exists(join(f.quarantine(assetId), basename(stagedPath))))) return undefined;
      await moveFiles(f.quarantine(assetId), f.staging(assetId));
      return (await exists(stagedPath)) ? stagedPath : undefined;
    },
    async locateSidecar({ stagedPath }, name) {
      const dir = dirname(stagedPath);
      const base = name.slice(0, -'.xml'.length);
      const matches = (n: string) =>
        n !== basename(stagedPath) &&
        n.slice(0, -'.xml'.length) === base &&
        n.slice(-'.xml'.length).toLowerCase() === '.xml';
      const found = (await readdir(dir).catch(() => [] as string[])).find(matches);
      return found === undefined ? undefined : join(dir, found);
    },
    async quarantine(asset) {
      const { assetId, stagedPath } = asset;
      const f = folders(asset);
      await moveFiles(f.staging(assetId), f.quarantine(assetId));
      return join(f.quarantine(assetId), basename(stagedPath));
    },
    async release(asset) {
      const { assetId } = asset;
      const f = folders(asset);
      await moveFiles(f.quarantine(assetId), f.staging(assetId));
    },
    async remove(asset) {
      const { assetId } = asset;
      const f = folders(asset);
      await rm(f.quarantine(assetId), { recursive: true, force: true });
      await rm(f.staging(assetId), { recursive: true, force: true });
    },
  };
}
