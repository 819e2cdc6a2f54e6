import type { Static } from '@sinclair/typebox';
import type { GatewayRoutes } from '../../gateway/deps';
import { visibleNetworks } from '../../gateway/rights';
import { Paged, READERS, readErrors } from '../../gateway/schemas';
import { DropsQuery, WaitingDrop } from './schemas';

/** What the drop-folder connectors have seen and not claimed yet (the watch-folder drop board). */
export interface DropsSource {
  list(): Array<Static<typeof WaitingDrop>>;
}

/**
 * Files dropped and not yet assets: settling, or waiting for their sidecar
 * until a time. Once claimed, a file is an asset (`GET /v1/assets`) and
 * leaves this list. Live state of the hub process answering, not a read model.
 */
export function dropRoutes(drops: DropsSource): GatewayRoutes {
  return async (app) => {
    app.get(
      '/drops',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'Files seen in drop folders and not yet claimed, oldest first',
          description:
            'Each is `detected`: settling (its size and mtime must hold still), then waiting for its sidecar ' +
            'until `waitingForSidecarUntil`. One page holds them all (`next` is always null).',
          querystring: DropsQuery,
          response: { 200: Paged(WaitingDrop), ...readErrors },
        },
      },
      async (request) => {
        const { network } = request.query;
        const scope = visibleNetworks(request.principal!);
        const shown = (n: string) => (!network || n === network) && (!scope || scope.includes(n));
        return { items: drops.list().filter((d) => shown(d.network)), next: null };
      },
    );
  };
}
