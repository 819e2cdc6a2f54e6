import { unlink } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import type { ReplicaEvent } from '../../../events/catalog';
import { stamp } from '../../../events/stamp';
import type { EventStore } from '../../../events/store/event-store';
import { uuidv7 } from '../../../lib/ids';
import type { NodeSpace } from '../nodes/probe';
import type { ReplicaQueries } from '../read-model/queries';
import { selectEvictions } from './select';

export interface EvictorDeps {
  store: EventStore;
  queries: Pick<ReplicaQueries, 'replicasOnNode' | 'goodReplicas'>;
  networks: ReadonlyArray<{ id: string; root: string; capacity?: { highWatermark: number; lowWatermark: number } }>;
  /** Nothing is deleted on a node that is down: its space cannot be told. */
  isUp: (network: string) => boolean;
  /** The node's space now (statfs). */
  space: (root: string) => Promise<NodeSpace>;
  logger: Pick<Logger, 'info' | 'warn'>;
  clock?: () => Date;
}

const errno = (err: unknown) => (err as { code?: string } | null)?.code;

/** The hub's sidecar beside a copy it published: `<base>.xml`, or `<name>.xml` for a media file that is .xml itself. */
function sidecarOf(path: string): string {
  const ext = extname(path);
  return ext.toLowerCase() === '.xml' || ext === '' ? `${path}.xml` : `${path.slice(0, -ext.length)}.xml`;
}

/**
 * Frees space on nodes above their high watermark (issue 13 item 4): the
 * replicas `selectEvictions` picks are deleted with their sidecar, and each
 * is said as `ReplicaEvicted` on its asset's stream after its file is gone
 * (a crash between the two leaves a replica the next audit finds missing,
 * never an event for a file that is still there).
 */
export function createEvictor(deps: EvictorDeps) {
  const clock = deps.clock ?? (() => new Date());

  async function evictNode(node: EvictorDeps['networks'][number], correlationId: string): Promise<number> {
    const { highWatermark = 90, lowWatermark = 80 } = node.capacity ?? {};
    const space = await deps.space(node.root);
    if ((space.usedBytes * 100) / space.capacityBytes <= highWatermark) return 0;
    const cached = await deps.queries.replicasOnNode(node.id, {
      kind: 'cached',
      state: 'ok',
      order: 'read',
      limit: 10_000,
    });
    const good = new Map<string, number>();
    for (const assetId of new Set(cached.map((r) => r.assetId)))
      good.set(assetId, (await deps.queries.goodReplicas(assetId)).length);
    const chosen = selectEvictions({ ...space, highWatermark, lowWatermark }, cached, good);
    for (const r of chosen) {
      const file = isAbsolute(r.path) ? r.path : join(node.root, r.path);
      await unlink(file).catch((err: unknown) => {
        if (errno(err) !== 'ENOENT') throw err;
      });
      await unlink(sidecarOf(file)).catch(() => undefined);
      const event: Extract<ReplicaEvent, { type: 'ReplicaEvicted' }> = {
        type: 'ReplicaEvicted',
        data: {
          assetId: r.assetId,
          network: node.id,
          path: r.path,
          reason: `node ${node.id} above its high watermark (${highWatermark}%): least recently read cached copy`,
        },
      };
      const now = clock();
      await deps.store.append(
        `asset-${r.assetId}`,
        stamp([event], {
          actor: 'service:store',
          now: now.toISOString(),
          newId: () => uuidv7(clock().getTime()),
          correlationId,
          causationId: correlationId,
        }),
        'any',
      );
    }
    if (chosen.length > 0)
      deps.logger.info(
        { network: node.id, evicted: chosen.length },
        `evicted ${chosen.length} cached replicas from ${node.id}`,
      );
    return chosen.length;
  }

  return {
    /** One look at every node that is up; resolves with how many replicas each gave up. */
    async round(): Promise<Record<string, number>> {
      const correlationId = uuidv7(clock().getTime());
      const out: Record<string, number> = {};
      for (const node of deps.networks.filter((n) => deps.isUp(n.id))) {
        out[node.id] = await evictNode(node, correlationId).catch((err: unknown) => {
          deps.logger.warn({ err, network: node.id }, `eviction on ${node.id} failed; trying again next round`);
          return 0;
        });
      }
      return out;
    },
  };
}

export type Evictor = ReturnType<typeof createEvictor>;
