import type { GatewayRoutes } from '../../gateway/deps';
import { visibleNetworks } from '../../gateway/rights';
import { READERS, readErrors } from '../../gateway/schemas';
import type { CatalogQueries } from '../read-model/queries';
import { Tree, TreeQuery } from './schemas';

/**
 * The folder tree the station browses delivered material by: network, month,
 * programme, items, with counts; only what the caller may see is counted.
 */
export function catalogTreeRoutes(queries: Pick<CatalogQueries, 'tree'>): GatewayRoutes {
  return async (app) => {
    app.get(
      '/catalog/tree',
      {
        config: { roles: READERS },
        schema: {
          tags: ['catalog'],
          summary: 'Cleared assets as folders: network → year-month → programme → items, with counts',
          description:
            'Each programme lists its newest `items` assets; `GET /v1/assets?network=&program=&from=&to=` pages ' +
            'through all of them.',
          querystring: TreeQuery,
          response: { 200: Tree, ...readErrors },
        },
      },
      async (request) =>
        queries.tree(
          {
            ...(request.query.network ? { network: request.query.network } : {}),
            itemsPerNode: request.query.items ?? 20,
          },
          visibleNetworks(request.principal!),
        ),
    );
  };
}
