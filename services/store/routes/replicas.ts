import type { GatewayRoutes } from '../../gateway/deps';
import { assertAssetVisible } from '../../gateway/rights';
import { AssetParams, READERS, readErrors } from '../../gateway/schemas';
import type { ReplicaQueries } from '../read-model/queries';
import { ReplicaPage } from './schemas';

/**
 * Where an asset's bytes are: every replica the store's catalog holds, its
 * kind and state. An asset has a handful of replicas, so the list comes in
 * one page (`next` is always null).
 */
export function replicaRoutes(deps: { queries: Pick<ReplicaQueries, 'asset' | 'replicasOf'> }): GatewayRoutes {
  const { queries } = deps;
  return async (app) => {
    app.get(
      '/assets/:assetId/replicas',
      {
        config: { roles: READERS },
        schema: {
          tags: ['store'],
          summary: 'The asset’s replicas: which nodes hold its bytes, of what kind, in what state',
          params: AssetParams,
          response: { 200: ReplicaPage, ...readErrors },
        },
      },
      async (request) => {
        const { assetId } = request.params;
        await assertAssetVisible(request, assetId);
        await queries.asset(assetId);
        return { items: await queries.replicasOf(assetId), next: null };
      },
    );
  };
}
