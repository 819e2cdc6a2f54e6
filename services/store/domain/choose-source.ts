/**
 * What the hub knows of its links and nodes when it picks a replica to read
 * or copy from. The store declares it; the nodes-and-links part implements it
 * from measured transfers and node probes. Answers come from memory or a read
 * model: every call is cheap and never throws.
 */
export interface LinkStats {
  /** Measured (else nominal) throughput from `from`'s node to `to`'s; undefined when nothing limits or is known. */
  bytesPerSecond(from: string, to: string): number | undefined;
  /** Bytes waiting to leave `network`'s node (queued and running transfers from it). */
  queuedBytes(network: string): number;
  /** False while the node's last probes failed: nothing is read from it. */
  isUp(network: string): boolean;
}

/** Everything up, nothing limited: the figures before any link is measured or node probed. */
export const unmeasuredLinks: LinkStats = {
  bytesPerSecond: () => undefined,
  queuedBytes: () => 0,
  isUp: () => true,
};

/** A replica as the choice sees it. */
export interface Candidate {
  network: string;
  path: string;
  state: string;
  kind: string;
}

export interface Choice<C extends Candidate> {
  replica: C;
  /** Seconds the copy is expected to take: size and the source's queue over the link's throughput. */
  expectedSeconds: number;
}

/**
 * The replica to copy to (or serve for) `target`: among those in state `ok`
 * on a node that is up, the one of least expected time, where expected time
 * is (size + the source node's queued bytes) / the link's bytes per second,
 * and 0 over a link nothing limits. Ties go to the origin copy, then by
 * network name, so the same figures always give the same answer. Pure;
 * undefined when no replica qualifies.
 */
export function chooseSource<C extends Candidate>(
  candidates: readonly C[],
  target: string,
  sizeBytes: number,
  links: LinkStats,
): Choice<C> | undefined {
  const scored = candidates
    .filter((c) => c.state === 'ok' && links.isUp(c.network))
    .map((replica) => {
      const speed = links.bytesPerSecond(replica.network, target);
      const limited = speed !== undefined && Number.isFinite(speed);
      const bytes = sizeBytes + links.queuedBytes(replica.network);
      // A link measured at 0 B/s is as good as down: last, but still a choice when it is the only one.
      const expectedSeconds = !limited ? 0 : speed > 0 ? bytes / speed : Number.MAX_VALUE;
      return { replica, expectedSeconds };
    });
  scored.sort(
    (a, b) =>
      a.expectedSeconds - b.expectedSeconds ||
      Number(b.replica.kind === 'origin') - Number(a.replica.kind === 'origin') ||
      a.replica.network.localeCompare(b.replica.network) ||
      a.replica.path.localeCompare(b.replica.path),
  );
  return scored[0];
}

/**
 * The replica to read for `network`: its own node's when it holds a good one
 * (a network reads from its own store), else the best other by `chooseSource`.
 */
export function replicaToRead<C extends Candidate>(
  candidates: readonly C[],
  network: string,
  sizeBytes: number,
  links: LinkStats,
): C | undefined {
  const own = candidates.find((c) => c.network === network && c.state === 'ok' && links.isUp(network));
  return own ?? chooseSource(candidates, network, sizeBytes, links)?.replica;
}
