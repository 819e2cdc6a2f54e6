import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { NodeLayoutMonitor } from '../../lib/node-layout';
import { createAuditor } from '../../services/store/audit/auditor';
import { createPacer } from '../../services/store/audit/paced-hash';
import { exclusively } from '../../services/store/audit/exclusive';
import { createRoundSchedule } from '../../services/store/audit/schedule';
import { createEvictor } from '../../services/store/eviction/evictor';
import { createLinkQueries } from '../../services/store/links/link-queries';
import { createLinkStats } from '../../services/store/links/link-stats';
import { createNodeQueries } from '../../services/store/nodes/node-queries';
import { createNodeReporter } from '../../services/store/nodes/node-reporter';
import { nodeSpace } from '../../services/store/nodes/probe';
import { createReplicaQueries } from '../../services/store/read-model/queries';
import { createRepairService } from '../../services/store/repair/service';
import type { GatewayRoutes } from '../../services/gateway/deps';
import { linkRoutes } from '../../services/store/routes/links';
import { nodeAuditRoutes } from '../../services/store/routes/node-audits';
import { nodeRoutes } from '../../services/store/routes/nodes';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface StoreNodesPartDeps {
  config: HubConfig;
  storage: Storage;
  /** The transfer part's layout monitor, which runs the store's probe: one prober per process. */
  monitor: NodeLayoutMonitor;
  backbone: Backbone;
  /** Brings the read models to the head (the repair's sweep at start trusts them only then). */
  catchUp: () => Promise<void>;
  logger: Logger;
}

/**
 * The store's nodes and links (issue 13 item 4): NodeDown/NodeUp from the
 * monitor's probes, GET /v1/nodes, the measured links (GET /v1/links) and the
 * `LinkStats` the store's choice of a source reads; the fixity audit
 * (issue 13 item 5) on its schedule and by `POST /v1/nodes/{id}/audit`, and
 * the repair of what it finds missing or corrupt from a good replica;
 * eviction of cached replicas from nodes above their high watermark.
 */
export function openStoreNodesPart(deps: StoreNodesPartDeps, stack: CleanupStack) {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'store-nodes' });
  const reporter = createNodeReporter({ store: deps.storage.store, monitor: deps.monitor, logger });
  stack.defer('node reporter', () => reporter.stop());
  const queries = createNodeQueries(deps.storage.sql);
  const linkQueries = createLinkQueries(deps.storage.sql);
  const nominal = config.links ?? [];
  const linkStats = createLinkStats({
    queries: linkQueries,
    nominal,
    isUp: (network) => deps.monitor.status(network)?.sound !== false,
  });
  stack.defer('link stats', () => linkStats.stop());
  const isUp = (network: string) => deps.monitor.status(network)?.sound === true;
  const audit = config.storage?.audit ?? { mbps: 400, intervalHours: 168 };
  const auditor = createAuditor(
    {
      store: deps.storage.store,
      queries: createReplicaQueries(deps.storage.sql),
      networks: config.networks,
      isUp,
      confirmUp: async (network) => (await deps.monitor.check(network, { probe: true })).sound,
      pacer: createPacer((audit.mbps * 1_000_000) / 8),
      logger: logger.child({ component: 'fixity-audit' }),
    },
    { intervalHours: audit.intervalHours },
  );
  // Scheduled rounds run in one hub process at a time (an operator's POST audit runs where it is asked).
  const { sql } = deps.storage;
  const schedule = createRoundSchedule(
    { round: () => exclusively(sql, 'fixity-audit', () => auditor.round()) },
    logger,
  );
  stack.defer('fixity audit', async () => {
    await schedule.stop();
    await auditor.idle();
  });
  const repairs = createRepairService({
    store: deps.storage.store,
    backbone: deps.backbone,
    links: linkStats,
    queries: createReplicaQueries(deps.storage.sql),
    networks: config.networks.map((n) => n.id),
    catchUp: deps.catchUp,
    logger: logger.child({ component: 'repair' }),
  });
  stack.defer('repair', () => repairs.stop());
  const evictor = createEvictor({
    store: deps.storage.store,
    queries: createReplicaQueries(deps.storage.sql),
    networks: config.networks,
    isUp,
    space: nodeSpace,
    logger: logger.child({ component: 'eviction' }),
  });
  const evictions = createRoundSchedule({ round: () => exclusively(sql, 'eviction', () => evictor.round()) }, logger);
  stack.defer('eviction', () => evictions.stop());
  const networks = config.networks.map((n) => n.id);
  const routes: GatewayRoutes = async (app, options) => {
    await app.register(nodeAuditRoutes({ auditor, networks, isUp }), options);
    await app.register(nodeRoutes({ networks: config.networks, monitor: deps.monitor, queries }), options);
    await app.register(linkRoutes({ networks, nominal, queries: linkQueries }), options);
  };
  return {
    reporter,
    linkStats,
    auditor,
    routes,
    /** After the transfer part started the monitor: reports what its first round found, reads the links. */
    async start(): Promise<void> {
      await reporter.start();
      await linkStats.start();
      schedule.start();
      evictions.start();
      await repairs.start();
    },
  };
}

export type StoreNodesPart = ReturnType<typeof openStoreNodesPart>;
