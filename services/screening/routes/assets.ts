import type { GatewayRoutes } from '../../gateway/deps';
import { AssetParams, READERS, readErrors } from '../../gateway/schemas';
import type { AssetQueries } from '../read-model/queries';
import { AssetDetail, AssetListItem, AssetPaged, AssetsQuery, DEPRECATED_NEXT_CURSOR } from './schemas';

/**
 * Assets as the assets read model holds them: state, verdicts, technical
 * metadata, quarantine facts, replicas. Reads may lag the log by the
 * projection's delay.
 */
export function assetRoutes(queries: Pick<AssetQueries, 'list' | 'get'>): GatewayRoutes {
  return async (app) => {
    app.get(
      '/assets',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'List assets, newest first',
          description: DEPRECATED_NEXT_CURSOR,
          querystring: AssetsQuery,
          response: { 200: AssetPaged(AssetListItem), ...readErrors },
        },
      },
      async (request) => queries.list(request.query),
    );

    app.get(
      '/assets/:assetId',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'One asset with its verdicts, metadata, quarantine facts and replicas',
          params: AssetParams,
          response: { 200: AssetDetail, ...readErrors },
        },
      },
      async (request) => queries.get(request.params.assetId),
    );
  };
}
