/** A file of a drop folder seen by the connector and not yet claimed into an asset. */
export interface WaitingDrop {
  /** The network whose node it was dropped on. */
  network: string;
  /** The drop folder's target network. */
  target: string;
  name: string;
  /** Relative to the node root: `drop/<target>/<name>`. */
  path: string;
  sizeBytes: number;
  /** `detected`: what the asset will be called once claimed; the asset's own states follow from there. */
  state: 'detected';
  /** `settling` while its size and mtime may still change, `waiting-for-sidecar` once stable. */
  waitingFor: 'settling' | 'sidecar';
  seenAt: string;
  /** When the sidecar wait ends and the file is claimed alone; null while it settles. */
  waitingForSidecarUntil: string | null;
}

/**
 * What the watch-folder connectors have seen and not claimed yet, for the
 * API: the seconds between a drop and its claim (stability, then the sidecar
 * wait) are otherwise silent. Live state of this process, like the transfer
 * progress board, not a read model: nothing of it is in the log until the
 * claim, which appends `AssetDetected` as before. Every call is synchronous
 * and cheap; the connector calls it on its hot path.
 */
export interface DropBoard {
  /** A file was first seen (or seen again after it changed): it settles. */
  seen(drop: Pick<WaitingDrop, 'network' | 'target' | 'name' | 'path' | 'sizeBytes' | 'seenAt'>): void;
  /** The file is stable and waits for its sidecar until `until`. */
  waitingForSidecar(network: string, path: string, until: string): void;
  /** Claimed, vanished, refused or released: off the board. */
  remove(network: string, path: string): void;
  /** Everything on the board, oldest first. */
  list(): WaitingDrop[];
}

/** The in-process board: one map, keyed by network and path. */
export function createDropBoard(): DropBoard {
  const drops = new Map<string, WaitingDrop>();
  const key = (network: string, path: string) => `${network}\u0000${path}`;
  return {
    seen(drop) {
      drops.set(key(drop.network, drop.path), {
        ...drop,
        state: 'detected',
        waitingFor: 'settling',
        waitingForSidecarUntil: null,
      });
    },
    waitingForSidecar(network, path, until) {
      const drop = drops.get(key(network, path));
      if (drop) drops.set(key(network, path), { ...drop, waitingFor: 'sidecar', waitingForSidecarUntil: until });
    },
    remove(network, path) {
      drops.delete(key(network, path));
    },
    list() {
      return [...drops.values()].sort((a, b) => a.seenAt.localeCompare(b.seenAt));
    },
  };
}
