import type { Logger } from 'pino';
import type { Backbone, BackboneConsumer } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { unmeasuredLinks, type LinkStats } from '../../services/store/domain/choose-source';
import { createPickSends } from '../../services/store/fetch/pick-sends';
import { createReplicaQueries } from '../../services/store/read-model/queries';
import { createStoreRoutes } from '../../services/store/routes';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface StorePartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  logger: Logger;
  /** Measured links and node health; until the nodes-and-links part gives them, every node up and no link limited. */
  links?: LinkStats;
}

/**
 * The store (issue 13): the replica catalog's queries, for the routes here
 * and for the parts that audit, evict and fetch, and the routes of an
 * asset's replicas, content and fetches. Its consumer (group
 * `mxhub.pick-sends`, pick streams) fetches the items of every pick sent.
 */
export function openStorePart(deps: StorePartDeps, stack: CleanupStack) {
  const { sql, store } = deps.storage;
  const queries = createReplicaQueries(sql);
  const links = deps.links ?? unmeasuredLinks;
  const networks = deps.config.networks.map((n) => n.id);
  const pickSends = createPickSends({
    fetch: { queries, store, links },
    store,
    logger: deps.logger.child({ component: 'pick-sends' }),
  });
  let consumer: BackboneConsumer | undefined;
  stack.defer('pick sends', async () => {
    await consumer?.stop();
    consumer = undefined;
  });
  return {
    queries,
    routes: createStoreRoutes({ queries, store, networks, links }),
    async start(): Promise<void> {
      consumer = await deps.backbone.consume({ groupId: 'mxhub.pick-sends', categories: ['pick'] }, (event) =>
        pickSends.handle(event),
      );
      const answered = await pickSends.sweep(86_400_000);
      if (answered > 0) deps.logger.info({ answered }, 'pick sends a restart had cut off, answered now');
    },
  };
}

export type StorePart = ReturnType<typeof openStorePart>;
