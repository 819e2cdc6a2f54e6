import type { EventStore } from '../../../events/store/event-store';
import type { GatewayRoutes } from '../../gateway/deps';
import type { LinkStats } from '../domain/choose-source';
import type { ReplicaQueries } from '../read-model/queries';
import { contentRoutes } from './content';
import { fetchRoutes } from './fetch';
import { replicaRoutes } from './replicas';

export interface StoreRouteDeps {
  queries: ReplicaQueries;
  store: EventStore;
  /** Configured network ids. */
  networks: readonly string[];
  links: LinkStats;
}

/** The store's resources under an asset: its replicas, its content, fetches of it. One routes file each. */
export function createStoreRoutes(deps: StoreRouteDeps): GatewayRoutes {
  return async (app, options) => {
    await app.register(replicaRoutes(deps), options);
    await app.register(contentRoutes(deps), options);
    await app.register(fetchRoutes(deps), options);
  };
}
