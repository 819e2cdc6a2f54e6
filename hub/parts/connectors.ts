import type { Logger } from 'pino';
import { createWatchFolderConnector } from '../../connectors/watch-folder/connector';
import { createDropBoard } from '../../connectors/watch-folder/drop-board';
import { dropRoutes } from '../../services/screening/routes/drops';
import type { EventStore } from '../../events/store/event-store';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { HubConfig } from '../config';

/** One drop-folder connector per network: files in <root>/drop/<target>/ become assets. Started last, stopped first. */
export function openConnectorsPart(
  deps: { config: HubConfig; store: EventStore; logger: Logger },
  stack: CleanupStack,
) {
  const { config } = deps;
  const board = createDropBoard();
  const connectors = config.networks.map((n) => {
    const connector = createWatchFolderConnector({
      network: n,
      targets: config.networks.filter((t) => t.id !== n.id).map((t) => t.id),
      store: deps.store,
      logger: deps.logger.child({ component: 'watch-folder', network: n.id }),
      ...config.connectors,
      board,
    });
    stack.defer(`watch folder ${n.id}`, () => connector.stop());
    return connector;
  });
  return {
    /** `GET /v1/drops`: what the connectors of this process have seen and not claimed yet. */
    routes: dropRoutes(board),
    async start(): Promise<void> {
      for (const c of connectors) await c.start();
    },
  };
}

export type ConnectorsPart = ReturnType<typeof openConnectorsPart>;
