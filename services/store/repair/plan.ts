import type { StoredEvent } from '../../../events/envelope';
import { uuidFromName } from '../../../lib/ids';
import { chooseSource, type LinkStats } from '../domain/choose-source';

export type ReplicaCondition = 'ok' | 'missing' | 'corrupt' | 'evicted';

/** One replica as an asset's own stream tells it: enough to decide a repair without any read model. */
export interface ReplicaFacts {
  network: string;
  path: string;
  kind: string;
  state: ReplicaCondition;
  /** RepairRequested events for it so far: the next repair's id is derived from this count. */
  requested: number;
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

type Data = { network?: string; path?: string; kind?: string; sizeBytes?: number; stagedPath?: string };

/** Folds the replica events of an asset's stream (in stream order). Pure. */
export function foldReplicas(events: readonly StoredEvent[]): AssetReplicas {
  const replicas = new Map<string, ReplicaFacts>();
  let sizeBytes = 0;
  let deleted = false;
  let origin: { network: string; path: string } | undefined;
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
        break;
      case 'AssetCleared':
        // Logs written before the store recorded no origin replica: the claimed file is one all the same.
        if (origin?.path) at({ ...origin, kind: 'origin' });
        break;
      case 'AssetDeleted':
        deleted = true;
        break;
      case 'ReplicaStored':
        Object.assign(at(d), { kind: d.kind ?? 'delivered', state: 'ok', pending: undefined });
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
}

/**
 * The repairs an asset needs now: every missing or corrupt replica without a
 * repair under way from a replica still good, copied from the good replica
 * of least expected time to its node (`chooseSource`: state ok, node up). A
 * repair whose source was found damaged since is asked for again from
 * another. No good replica left, or the asset deleted: nothing (the
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
      all.filter((c) => c !== r),
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
    });
  }
  return plans;
}
