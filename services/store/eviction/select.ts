/** A node's space and watermarks (percent of capacity). */
export interface NodeFill {
  capacityBytes: number;
  usedBytes: number;
  highWatermark: number;
  lowWatermark: number;
}

/** A replica on the node, as the store's read model holds it. */
export interface EvictionCandidate {
  assetId: string;
  path: string;
  kind: 'origin' | 'delivered' | 'cached';
  state: 'ok' | 'missing' | 'corrupt' | 'evicted' | 'taken';
  sizeBytes: number | null;
  storedAt: string;
  lastReadAt: string | null;
}

/**
 * The replicas to evict from a node above its high watermark, in order,
 * until its use is back at the low watermark: only `cached` ones in state
 * `ok` (an origin or a delivered copy belongs to the network's systems),
 * least recently read first (never read counts from when it was stored),
 * and never an asset's last good replica anywhere (`goodReplicas` counts
 * each asset's good replicas on every node). Pure: the caller deletes the
 * files and says `ReplicaEvicted` for each. Empty at or under the high mark;
 * shorter than needed when too little may go.
 */
export function selectEvictions<C extends EvictionCandidate>(
  fill: NodeFill,
  replicas: readonly C[],
  goodReplicas: ReadonlyMap<string, number>,
): C[] {
  const { capacityBytes, usedBytes, highWatermark, lowWatermark } = fill;
  if (capacityBytes <= 0 || (usedBytes * 100) / capacityBytes <= highWatermark) return [];
  const toFree = usedBytes - (capacityBytes * lowWatermark) / 100;
  const lastUse = (r: C) => Date.parse(r.lastReadAt ?? r.storedAt);
  const candidates = replicas
    .filter((r) => r.kind === 'cached' && r.state === 'ok')
    .sort((a, b) => lastUse(a) - lastUse(b) || a.assetId.localeCompare(b.assetId) || a.path.localeCompare(b.path));
  const left = new Map(goodReplicas);
  const chosen: C[] = [];
  let freed = 0;
  for (const r of candidates) {
    if (freed >= toFree) break;
    const good = left.get(r.assetId) ?? 0;
    if (good <= 1) continue;
    left.set(r.assetId, good - 1);
    chosen.push(r);
    freed += r.sizeBytes ?? 0;
  }
  return chosen;
}
