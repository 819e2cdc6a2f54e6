import type { StoredEvent } from '../../../events/envelope';
import { uuidFromName } from '../../../lib/ids';
import { chooseSource, type LinkStats } from '../domain/choose-source';

export type ReplicaCondition = 'ok' | 'missing' | 'corrupt' | 'evicted' | 'taken';

/** One replica as an asset's own stream tells it: enough to decide a repair without any read model. */
export interface ReplicaFacts {
  network: string;
  path: string;
  kind: string;
  state: ReplicaCondition;
  /** RepairRequested events for it so far: the next repair's id is derived from this count. */
  requested: number;
  /**
   * What its bytes hash to when it was stored. Replicas of one asset may differ: a target whose policy names a
   * house profile holds a rendition. A replica is repaired only from one with the same bytes.
   */
  sha256?: string;
  sizeBytes?: number;
  /** The repair asked for since it was last damaged, not yet done. */
  pending?: { sourceNetwork: string; sourcePath: string };
}

/** What the fold of an asset's stream gives the repair. */
export interface AssetReplicas {
  sizeBytes: number;
  /** An admin deleted the asset: nothing of it is repaired. */
  deleted: boolean;
  replicas: Map<string, ReplicaFacts>;
}

const key = (network: string, path: string) => `${network}\u0000${path}`;

/**
 * The repair's transfer: derived from the replica and the repairs asked for
 * it before, so every process that folds the same stream asks under the same
 * id (one transfer), an audit that finds the replica damaged again while its
 * repair is under way asks nothing, and a replica damaged again after a
 * repair gets a new one.
 */
export const repairTransferId = (assetId: string, network: string, path: string, requestedBefore: number) =>
  uuidFromName(`repair:${assetId}:${network}:${path}:${requestedBefore}`);

type Data = {
  network?: string;
  path?: string;
  kind?: string;
  sizeBytes?: number;
  stagedPath?: string;
  sha256?: string;
};

/** Folds the replica events of an asset's stream (in stream order). Pure. */
export function foldReplicas(events: readonly StoredEvent[]): AssetReplicas {
  const replicas = new Map<string, ReplicaFacts>();
  let sizeBytes = 0;
  let deleted = false;
  let origin: { network: string; path: string; sha256?: string } | undefined;
  const at = (d: Data): ReplicaFacts => {
    const k = key(d.network!, d.path!);
    const kind = d.kind ?? 'delivered';
    const found = replicas.get(k) ?? { network: d.network!, path: d.path!, kind, state: 'ok', requested: 0 };
    replicas.set(k, found);
    return found;
  };
  for (const e of events) {
    const d = e.data as Data;
    switch (e.type) {
      case 'AssetDetected':
        origin = { network: (e.data as { sourceNetwork: string }).sourceNetwork, path: '' };
        sizeBytes = d.sizeBytes ?? sizeBytes;
        break;
      case 'AssetIngested':
        sizeBytes = d.sizeBytes ?? sizeBytes;
        if (origin && d.stagedPath) origin.path = d.stagedPath;
        if (origin) origin.sha256 = d.sha256;
        break;
      case 'AssetCleared':
        // Logs written before the store recorded no origin replica: the claimed file is one all the same.
        if (origin?.path) at({ ...origin, kind: 'origin' }).sha256 ??= origin.sha256;
        break;
      case 'AssetDeleted':
        deleted = true;
        break;
      case 'ReplicaStored':
        Object.assign(at(d), {
          kind: d.kind ?? 'delivered',
          state: 'ok',
          pending: undefined,
          sha256: d.sha256,
          sizeBytes: d.sizeBytes,
        });
        break;
      case 'ReplicaVerified':
      case 'ReplicaRepaired':
        Object.assign(at(d), { state: 'ok', pending: undefined });
        break;
      case 'ReplicaMissing':
      case 'ReplicaCorrupt':
        at(d).state = e.type === 'ReplicaMissing' ? 'missing' : 'corrupt';
        break;
      case 'ReplicaEvicted':
        Object.assign(at(d), { state: 'evicted', pending: undefined });
        break;
      case 'ReplicaTaken':
        // Taken by the network's systems: not a loss to repair, and no longer a source.
        Object.assign(at(d), { state: 'taken', pending: undefined });
        break;
      case 'RepairRequested': {
        const r = at(d);
        const { sourceNetwork, sourcePath } = e.data as { sourceNetwork: string; sourcePath: string };
        r.requested += 1;
        r.pending = { sourceNetwork, sourcePath };
        break;
      }
    }
  }
  return { sizeBytes, deleted, replicas };
}

/** A repair to ask for: the data of a RepairRequested. */
export interface RepairPlan {
  assetId: string;
  network: string;
  path: string;
  transferId: string;
  sourceNetwork: string;
  sourcePath: string;
  /** The source's bytes, when its ReplicaStored said them. */
  sha256?: string;
  sizeBytes?: number;
}

/**
 * The repairs an asset needs now: every missing or corrupt replica without a
 * repair under way from a replica still good, copied from the good replica
 * of least expected time to its node (`chooseSource`: state ok, node up). A
 * repair whose source was found damaged since is asked for again from
 * another, and only from a replica of the same bytes (SHA-256): a
 * rendition is repaired from a copy of that rendition, never from the
 * original. No good replica left, or the asset deleted: nothing (the
 * replica stays as the audit left it, visible). Pure.
 */
export function planRepairs(assetId: string, asset: AssetReplicas, links: LinkStats): RepairPlan[] {
  if (asset.deleted) return [];
  const all = [...asset.replicas.values()];
  const isOk = (network: string, path: string) => asset.replicas.get(key(network, path))?.state === 'ok';
  const plans: RepairPlan[] = [];
  for (const r of all) {
    if (r.state !== 'missing' && r.state !== 'corrupt') continue;
    if (r.pending && isOk(r.pending.sourceNetwork, r.pending.sourcePath)) continue;
    const choice = chooseSource(
      // Never from other bytes: an origin copied over a damaged rendition would deliver the wrong format.
      all.filter((c) => c !== r && (r.sha256 === undefined || c.sha256 === r.sha256)),
      r.network,
      asset.sizeBytes,
      links,
    );
    if (!choice) continue;
    plans.push({
      assetId,
      network: r.network,
      path: r.path,
      transferId: repairTransferId(assetId, r.network, r.path, r.requested),
      sourceNetwork: choice.replica.network,
      sourcePath: choice.replica.path,
      ...(choice.replica.sha256 !== undefined && choice.replica.sizeBytes !== undefined
        ? { sha256: choice.replica.sha256, sizeBytes: choice.replica.sizeBytes }
        : {}),
    });
  }
  return plans;
}
