import type { Logger } from 'pino';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { NodeLayoutMonitor } from '../../lib/node-layout';
import { createNodeQueries } from '../../services/store/nodes/node-queries';
import { createNodeReporter } from '../../services/store/nodes/node-reporter';
import type { GatewayRoutes } from '../../services/gateway/deps';
import { nodeRoutes } from '../../services/store/routes/nodes';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface StoreNodesPartDeps {
  config: HubConfig;
  storage: Storage;
  /** The transfer part's layout monitor, which runs the store's probe: one prober per process. */
  monitor: NodeLayoutMonitor;
  logger: Logger;
}

/**
 * The store's nodes (issue 13 item 4): NodeDown/NodeUp from the monitor's
 * probes, and GET /v1/nodes.
 */
export function openStoreNodesPart(deps: StoreNodesPartDeps, stack: CleanupStack) {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'store-nodes' });
  const reporter = createNodeReporter({ store: deps.storage.store, monitor: deps.monitor, logger });
  stack.defer('node reporter', () => reporter.stop());
  const queries = createNodeQueries(deps.storage.sql);
  const routes: GatewayRoutes = async (app, options) => {
    await app.register(nodeRoutes({ networks: config.networks, monitor: deps.monitor, queries }), options);
  };
  return {
    reporter,
    routes,
    /** After the transfer part started the monitor: reports what its first round found. */
    start: () => reporter.start(),
  };
}

export type StoreNodesPart = ReturnType<typeof openStoreNodesPart>;
