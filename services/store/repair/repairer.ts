import type { Logger } from 'pino';
import { ReplicaCorrupt, ReplicaEvicted, ReplicaMissing, ReplicaTaken } from '../../../events/catalog/replica-events';
import { isEvent } from '../../../events/catalog/stored';
import type { StoredEvent } from '../../../events/envelope';
import type { EventStore } from '../../../events/store/event-store';
import { stamp } from '../../../events/stamp';
import { ConcurrencyError, IdempotencyError } from '../../../lib/errors';
import { uuidFromName } from '../../../lib/ids';
import type { LinkStats } from '../domain/choose-source';
import type { ReplicaQueries } from '../read-model/queries';
import { foldReplicas, planRepairs } from './plan';

export interface RepairerDeps {
  store: EventStore;
  /** Measured links and node health: the source of a repair is chosen as a fetch's is. */
  links: LinkStats;
  /** For the sweep at start: the replicas the read model holds as missing or corrupt. */
  queries: Pick<ReplicaQueries, 'replicasOnNode'>;
  networks: readonly string[];
  logger: Pick<Logger, 'info' | 'warn'>;
  clock?: () => Date;
}

/** Appends that lost to another writer before one lands: more means something appends without pause. */
const MAX_TRIES = 5;

/**
 * Self-repair (issue 13 item 5): when the fixity audit says a replica is
 * missing or corrupt, the store asks for it to be copied again from a good
 * replica (`RepairRequested` on the asset's stream); the transfer service
 * answers with the transfer (urgent lane, reason `repair`) that writes the
 * copy at the replica's own path and says `ReplicaRepaired`. The store never
 * imports the transfer service. What to ask is decided on the asset's own
 * stream (no read model lag) and appended against its version, with ids
 * derived from the replica, so a redelivered event, a second process or a
 * repeated audit asks once.
 */
export function createRepairer(deps: RepairerDeps) {
  const clock = deps.clock ?? (() => new Date());

  /** Asks for every repair the asset needs now; resolves with how many were asked. */
  async function repairAsset(assetId: string, cause: { actor: string; correlationId: string; causationId: string }) {
    const stream = `asset-${assetId}`;
    for (let attempt = 1; ; attempt += 1) {
      const events = await deps.store.readStream(stream);
      const plans = planRepairs(assetId, foldReplicas(events), deps.links);
      if (plans.length === 0) return 0;
      const stamped = plans.map(
        (data) =>
          stamp([{ type: 'RepairRequested' as const, data }], {
            ...cause,
            now: clock().toISOString(),
            newId: () => uuidFromName(`repair-requested:${data.transferId}`),
          })[0]!,
      );
      try {
        await deps.store.append(stream, stamped, events.at(-1)?.version ?? 0);
      } catch (err) {
        // Another writer appended first (an audit of another node, another process asking): look again.
        const lost = err instanceof ConcurrencyError || err instanceof IdempotencyError;
        if (lost && attempt < MAX_TRIES) continue;
        throw err;
      }
      for (const p of plans)
        deps.logger.info(
          { assetId, network: p.network, path: p.path, transferId: p.transferId, source: p.sourceNetwork },
          `repair requested: ${p.path} on ${p.network} from ${p.sourceNetwork}`,
        );
      return plans.length;
    }
  }

  return {
    repairAsset,
    /**
     * Backbone handler: a replica found missing or corrupt is repaired if a good one is left; one
     * evicted or taken may have been a repair's source, whose repair is then asked again from another.
     */
    async handle(event: StoredEvent): Promise<void> {
      const lost =
        isEvent(ReplicaMissing, event) ||
        isEvent(ReplicaCorrupt, event) ||
        isEvent(ReplicaEvicted, event) ||
        isEvent(ReplicaTaken, event);
      if (!lost) return;
      const { correlationId } = event.metadata;
      await repairAsset(event.data.assetId, { actor: 'service:store', correlationId, causationId: event.id });
    },
    /**
     * Looks again at every replica the read model holds as missing or corrupt:
     * the embedded backbone keeps no offsets, so a finding a crash cut off
     * before its repair was asked is found here. Idempotent.
     */
    async sweep(): Promise<number> {
      const assets = new Set<string>();
      for (const network of deps.networks)
        for (const state of ['missing', 'corrupt'] as const)
          for (const r of await deps.queries.replicasOnNode(network, { state })) assets.add(r.assetId);
      let asked = 0;
      for (const assetId of assets)
        asked += await repairAsset(assetId, { actor: 'service:store', correlationId: assetId, causationId: assetId });
      return asked;
    },
  };
}

export type Repairer = ReturnType<typeof createRepairer>;
