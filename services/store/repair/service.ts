import type { Logger } from 'pino';
import type { Backbone, BackboneConsumer } from '../../../events/backbone/backbone';
import type { EventStore } from '../../../events/store/event-store';
import type { LinkStats } from '../domain/choose-source';
import type { ReplicaQueries } from '../read-model/queries';
import { createRepairer } from './repairer';

export interface RepairServiceDeps {
  store: EventStore;
  backbone: Backbone;
  links: LinkStats;
  queries: Pick<ReplicaQueries, 'replicasOnNode'>;
  networks: readonly string[];
  /** Brings the read models to the head (the sweep at start trusts them only then). */
  catchUp: () => Promise<void>;
  logger: Logger;
}

/**
 * Self-repair in one process: the backbone consumer (group
 * `mxhub.store-repair`, asset streams) that answers each ReplicaMissing and
 * ReplicaCorrupt, and the sweep at start. Members of the group split the
 * partitions; a repair asked twice is asked once (derived ids).
 */
export function createRepairService(deps: RepairServiceDeps) {
  const repairer = createRepairer(deps);
  let consumer: BackboneConsumer | undefined;
  return {
    repairer,
    async start(): Promise<void> {
      consumer = await deps.backbone.consume({ groupId: 'mxhub.store-repair', categories: ['asset'] }, (event) =>
        repairer.handle(event),
      );
      await deps.catchUp();
      const asked = await repairer.sweep();
      if (asked > 0) deps.logger.info({ asked }, 'repairs re-derived from the read model');
    },
    async stop(): Promise<void> {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}

export type RepairService = ReturnType<typeof createRepairService>;
