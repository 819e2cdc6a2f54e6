import type { GatewayRoutes } from '../../gateway/deps';
import { expectedVersion } from '../../gateway/if-match';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { assertAssetVisible, assertCanModify, visibleNetworks } from '../../gateway/rights';
import {
  AssetParams,
  CHANGERS,
  commandErrors,
  DEPRECATED_NEXT_CURSOR,
  IfMatchHeaders,
  PagedWithNextCursor,
  READERS,
  readErrors,
} from '../../gateway/schemas';
import type { CatalogCommands } from '../commands';
import type { CatalogQueries } from '../read-model/queries';
import { CatalogItem, CatalogQuery, MetadataChangedReply, MetadataPatchBody } from './schemas';

export interface CatalogAssetRouteDeps {
  queries: Pick<CatalogQueries, 'search'>;
  commands: CatalogCommands;
}

/**
 * The assets list, which is the catalog's search, and metadata edits. Both
 * are scoped by the caller's rights: a viewer limited to some networks finds
 * only assets held in them, and cannot tell an asset it may not see from one
 * that does not exist.
 */
export function catalogAssetRoutes(deps: CatalogAssetRouteDeps): GatewayRoutes {
  const { queries, commands } = deps;
  return async (app) => {
    app.get(
      '/assets',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets', 'catalog'],
          summary: 'Search and list assets, newest first',
          description:
            'Every filter given must hold. `q` matches substrings in any script (`新闻` finds `民生新闻`) of the ' +
            'name, the sidecar metadata and the technical metadata. ' +
            DEPRECATED_NEXT_CURSOR,
          querystring: CatalogQuery,
          response: { 200: PagedWithNextCursor(CatalogItem), ...readErrors },
        },
      },
      async (request) => queries.search(request.query, visibleNetworks(request.principal!)),
    );

    app.patch(
      '/assets/:assetId/metadata',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['assets', 'catalog'],
          summary: 'Edit the asset’s sidecar metadata (modify right); MetadataChanged keeps before and after',
          params: AssetParams,
          headers: IfMatchHeaders,
          body: MetadataPatchBody,
          response: { 200: MetadataChangedReply, ...commandErrors },
        },
      },
      async (request) => {
        const { assetId } = request.params;
        assertCanModify(request.principal!);
        await assertAssetVisible(request, assetId);
        return commands.changeMetadata(
          assetId,
          request.body,
          commandMetadata(request),
          expectedVersion(request.headers),
        );
      },
    );
  };
}
