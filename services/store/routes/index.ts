import type { GatewayRoutes } from '../../gateway/deps';
import type { ReplicaQueries } from '../read-model/queries';
import { replicaRoutes } from './replicas';

export interface StoreRouteDeps {
  queries: ReplicaQueries;
}

/** The store's resources under an asset: its replicas, its content, fetches of it. One routes file each. */
export function createStoreRoutes(deps: StoreRouteDeps): GatewayRoutes {
  return async (app, options) => {
    await app.register(replicaRoutes(deps), options);
  };
}
