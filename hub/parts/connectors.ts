import type { Logger } from 'pino';
import { createWatchFolderConnector } from '../../connectors/watch-folder/connector';
import type { EventStore } from '../../events/store/event-store';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { HubConfig } from '../config';

/** One drop-folder connector per network: files in <root>/drop/<target>/ become assets. Started last, stopped first. */
export function openConnectorsPart(
  deps: { config: HubConfig; store: EventStore; logger: Logger },
  stack: CleanupStack,
) {
  const { config } = deps;
  const connectors = config.networks.map((n) => {
    const connector = createWatchFolderConnector({
      network: n,
      targets: config.networks.filter((t) => t.id !== n.id).map((t) => t.id),
      store: deps.store,
      logger: deps.logger.child({ component: 'watch-folder', network: n.id }),
      ...config.connectors,
    });
    stack.defer(`watch folder ${n.id}`, () => connector.stop());
    return connector;
  });
  return {
    async start(): Promise<void> {
      for (const c of connectors) await c.start();
    },
  };
}
