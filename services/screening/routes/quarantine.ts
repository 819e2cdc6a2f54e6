import { AuthError } from '../../../lib/errors';
import type { GatewayRoutes } from '../../gateway/deps';
import { expectedVersion } from '../../gateway/if-match';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { visibleNetworks } from '../../gateway/rights';
import {
  ADMINS,
  AssetParams,
  CHANGERS,
  commandErrors,
  DEPRECATED_NEXT_CURSOR,
  IfMatchHeaders,
  PagedWithNextCursor,
  READERS,
  readErrors,
} from '../../gateway/schemas';
import type { ScreeningCommands } from '../commands';
import type { AssetQueries } from '../read-model/queries';
import { DeleteBody, DeleteQuery, Deleted, QuarantinedAsset, QuarantineQuery, ReleaseBody, Released } from './schemas';

export interface QuarantineRouteDeps {
  queries: Pick<AssetQueries, 'quarantine'>;
  commands: Pick<ScreeningCommands, 'release' | 'remove'>;
}

/**
 * The quarantine: refused assets with the stage, rule and reason, and the
 * commands on them (release, delete), which decide on the asset stream
 * itself, not on the read model.
 */
export function quarantineRoutes(deps: QuarantineRouteDeps): GatewayRoutes {
  const { queries, commands } = deps;
  return async (app) => {
    app.get(
      '/quarantine',
      {
        config: { roles: READERS },
        schema: {
          tags: ['quarantine'],
          summary: 'Assets in quarantine, with the stage, rule and reason that put them there',
          description: DEPRECATED_NEXT_CURSOR,
          querystring: QuarantineQuery,
          response: { 200: PagedWithNextCursor(QuarantinedAsset), ...readErrors },
        },
      },
      async (request) => queries.quarantine(request.query, visibleNetworks(request.principal!)),
    );

    app.post(
      '/assets/:assetId/release',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['quarantine'],
          summary: 'Release a quarantined asset: rescreen it, or (admin) override the refusal',
          params: AssetParams,
          headers: IfMatchHeaders,
          body: ReleaseBody,
          response: { 202: Released, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { assetId } = request.params;
        const { mode, reason } = request.body;
        // Delivering a refused file unscreened is the riskiest act in the hub: admins only.
        if (mode === 'override' && request.principal?.role !== 'admin') {
          throw new AuthError(403, `role ${request.principal?.role} may not override a refusal; allowed: admin`);
        }
        const result = await commands.release(assetId, { mode, reason }, commandMetadata(request), {
          expectedVersion: expectedVersion(request.headers),
        });
        const outcome = mode === 'rescreen' ? 'queued for rescreen' : 'cleared by override';
        return reply.status(202).send({ assetId, version: result.nextVersion, mode, outcome });
      },
    );

    app.delete(
      '/assets/:assetId',
      {
        config: { roles: ADMINS },
        schema: {
          tags: ['quarantine'],
          summary: 'Delete a quarantined asset and its files; the reason goes in the body or as ?reason=',
          params: AssetParams,
          headers: IfMatchHeaders,
          querystring: DeleteQuery,
          body: DeleteBody,
          response: { 200: Deleted, ...commandErrors },
        },
      },
      async (request) => {
        const { assetId } = request.params;
        // Missing in both places: the command's ValidationError names `reason`.
        const reason = request.body?.reason ?? request.query.reason ?? '';
        await commands.remove(assetId, { reason }, commandMetadata(request), {
          expectedVersion: expectedVersion(request.headers),
        });
        return { assetId, deleted: true };
      },
    );
  };
}
