import { createReplicaQueries } from '../../services/store/read-model/queries';
import { createStoreRoutes } from '../../services/store/routes';
import type { Storage } from '../storage';

export interface StorePartDeps {
  storage: Storage;
}

/**
 * The store (issue 13): the replica catalog's queries, for the routes here
 * and for the parts that audit, evict and fetch, and the routes of an
 * asset's replicas, content and fetches.
 */
export function openStorePart(deps: StorePartDeps) {
  const queries = createReplicaQueries(deps.storage.sql);
  return {
    queries,
    routes: createStoreRoutes({ queries }),
  };
}

export type StorePart = ReturnType<typeof openStorePart>;
