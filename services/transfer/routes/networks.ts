import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { CHANGERS, commandErrors, READERS } from '../../gateway/schemas';
import type { TransferCommands } from '../commands';
import type { TransferQueries } from '../read-model/queries';
import { NetworkBody, NetworkJson, NetworkParams } from './schemas';

export interface NetworksRouteDeps {
  queries: Pick<TransferQueries, 'networks'>;
  commands: Pick<TransferCommands, 'setNetwork'>;
  /** Configured network ids. */
  networks: string[];
}

/**
 * The configured networks as transfers see them: paused or not, bandwidth
 * into each (the controls read model; a network never touched has no row).
 */
export function networkRoutes(deps: NetworksRouteDeps): GatewayRoutes {
  async function networks() {
    const rows = await deps.queries.networks();
    return deps.networks.map((id) => {
      const row = rows.find((r) => r.network === id);
      return {
        id,
        paused: row?.paused ?? false,
        reason: row?.reason ?? null,
        bandwidthMbps: row?.bandwidthMbps ?? null,
      };
    });
  }

  return async (app) => {
    app.get(
      '/networks',
      {
        config: { roles: READERS },
        schema: {
          tags: ['networks'],
          summary: 'Configured networks: paused or not, bandwidth allocated to transfers into each',
          response: { 200: Type.Object({ items: Type.Array(NetworkJson) }) },
        },
      },
      async () => ({ items: await networks() }),
    );

    app.patch(
      '/networks/:id',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['networks'],
          summary: 'Pause or resume a network (its transfers stay queued) and/or set its bandwidth',
          params: NetworkParams,
          body: NetworkBody,
          response: { 200: NetworkJson, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { paused, reason, bandwidthMbps } = request.body;
        await deps.commands.setNetwork(id, request.body, commandMetadata(request));
        const before = (await networks()).find((n) => n.id === id)!;
        return {
          id,
          paused: paused ?? before.paused,
          reason: paused === undefined ? before.reason : paused ? (reason ?? null) : null,
          bandwidthMbps: bandwidthMbps === undefined ? before.bandwidthMbps : bandwidthMbps,
        };
      },
    );
  };
}
