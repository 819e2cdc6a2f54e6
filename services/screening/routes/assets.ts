import type { GatewayRoutes } from '../../gateway/deps';
import { assertAssetVisible } from '../../gateway/rights';
import { AssetParams, Paged, READERS, readErrors } from '../../gateway/schemas';
import type { AssetQueries } from '../read-model/queries';
import { AssetDetail, TimelineEntry, TimelineQuery } from './schemas';

/**
 * One asset as the assets read model holds it: state, verdicts, technical
 * metadata, quarantine facts, replicas, and its timeline. Reads may lag the
 * log by the projection's delay. The list (`GET /v1/assets`) is the
 * catalog's search (services/catalog), which shows the same fields.
 */
export function assetRoutes(queries: Pick<AssetQueries, 'get' | 'timeline'>): GatewayRoutes {
  return async (app) => {
    app.get(
      '/assets/:assetId',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'One asset with its verdicts, metadata, quarantine facts, replicas and transfers',
          params: AssetParams,
          response: { 200: AssetDetail, ...readErrors },
        },
      },
      async (request) => {
        await assertAssetVisible(request, request.params.assetId);
        return queries.get(request.params.assetId);
      },
    );

    app.get(
      '/assets/:assetId/timeline',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'Every event of the asset and of its transfers, in log order',
          description: 'Oldest first by global log position; pass `next` back as `cursor` for the next page.',
          params: AssetParams,
          querystring: TimelineQuery,
          response: { 200: Paged(TimelineEntry), ...readErrors },
        },
      },
      async (request) => {
        await assertAssetVisible(request, request.params.assetId);
        return queries.timeline(request.params.assetId, request.query);
      },
    );
  };
}
