import { unmeasuredLinks, type LinkStats } from '../../services/store/domain/choose-source';
import { createReplicaQueries } from '../../services/store/read-model/queries';
import { createStoreRoutes } from '../../services/store/routes';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface StorePartDeps {
  config: HubConfig;
  storage: Storage;
  /** Measured links and node health; until the nodes-and-links part gives them, every node up and no link limited. */
  links?: LinkStats;
}

/**
 * The store (issue 13): the replica catalog's queries, for the routes here
 * and for the parts that audit, evict and fetch, and the routes of an
 * asset's replicas, content and fetches.
 */
export function openStorePart(deps: StorePartDeps) {
  const { sql, store } = deps.storage;
  const queries = createReplicaQueries(sql);
  const links = deps.links ?? unmeasuredLinks;
  const networks = deps.config.networks.map((n) => n.id);
  return {
    queries,
    routes: createStoreRoutes({ queries, store, networks, links }),
  };
}

export type StorePart = ReturnType<typeof openStorePart>;
