import { assertNetwork, type Role } from '../../gateway/auth';
import type { GatewayRoutes } from '../../gateway/deps';
import { assertAssetVisible } from '../../gateway/rights';
import { actorOf } from '../../gateway/plugins/correlation';
import { AssetParams, commandErrors, ErrorResponse } from '../../gateway/schemas';
import { assertKnownNetwork } from '../content/reading';
import { requestFetch, type FetchDeps } from '../fetch/fetch';
import { FetchAccepted, FetchBody, FetchHeld } from './schemas';

/** Who may fetch: operators and admins, and a connector into its own network. */
export const FETCHERS: readonly Role[] = ['admin', 'operator', 'connector'];

/**
 * The nearest copy: 200 with the network's own good replica (no transfer),
 * else 202 with the transfer bringing one from the source of least expected
 * time. A fetch into a paused network is accepted; its transfer waits.
 */
export function fetchRoutes(deps: FetchDeps & { networks: readonly string[] }): GatewayRoutes {
  return async (app) => {
    app.post(
      '/assets/:assetId/fetch',
      {
        config: { roles: FETCHERS },
        schema: {
          tags: ['store'],
          summary: 'Bring the asset onto a network’s node (into cache/) unless it holds a good copy already',
          params: AssetParams,
          body: FetchBody,
          response: { 200: FetchHeld, 202: FetchAccepted, ...commandErrors, 503: ErrorResponse },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const { network, lane, priority } = request.body;
        assertKnownNetwork(network, deps.networks);
        assertNetwork(principal, network);
        await assertAssetVisible(request, request.params.assetId);
        const outcome = await requestFetch(deps, {
          assetId: request.params.assetId,
          network,
          lane,
          priority,
          actor: actorOf(principal),
          correlationId: request.correlationId,
        });
        if (outcome.held) return reply.code(200).send({ replica: outcome.replica });
        return reply.code(202).send({ transferId: outcome.transferId, source: outcome.source });
      },
    );
  };
}
