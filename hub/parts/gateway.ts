import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { createAuditRoutes } from '../../services/audit/routes';
import { createCatalogService } from '../../services/catalog/service';
import { buildGateway } from '../../services/gateway/app';
import { hashToken } from '../../services/gateway/auth';
import { createConfigRoutes } from '../../services/gateway/routes/config';
import { bootstrapAdminToken } from '../admin-token';
import type { HubConfig } from '../config';
import { createHubHealth } from '../health';
import { createHubMetrics } from '../metrics';
import type { Storage } from '../storage';
import type { ProjectionsPart } from './projections';
import type { ScreeningPart } from './screening';
import type { StorePart } from './store';
import type { StoreNodesPart } from './store-nodes';
import type { SubscriptionsPart } from './subscriptions';
import type { ConnectorsPart } from './connectors';
import type { MediaPart } from './media';
import type { TransferPart } from './transfer';
import type { UsagePart } from './usage';
import type { UsersPart } from './users';

/** The console's build (console/build.js writes it; `npm ci` and `mxhub start` run that). */
const CONSOLE_ROOT = join(__dirname, '..', '..', 'console', 'dist');

export interface GatewayPartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  projections: ProjectionsPart;
  screening: ScreeningPart;
  transfer: TransferPart;
  connectors: ConnectorsPart;
  store: StorePart;
  storeNodes: StoreNodesPart;
  subscriptions: SubscriptionsPart;
  media: MediaPart;
  usage: UsagePart;
  users: UsersPart;
  logger: Logger;
}

/**
 * The HTTP API over every service, with the bootstrap admin token, metrics and
 * health. Built here, listening only at `listen` (the last step of start-up);
 * registered last, so stop closes it first: no request arrives at a service
 * that is stopping.
 */
export async function openGatewayPart(deps: GatewayPartDeps, stack: CleanupStack) {
  const { config, projections, screening, transfer } = deps;
  const { sql, store } = deps.storage;
  const adminToken = bootstrapAdminToken(config.dataDir, {
    fromEnv: config.adminToken,
    adminConfigured: config.tokens.some((t) => t.role === 'admin'),
  });
  const tokens = adminToken
    ? [...config.tokens, { name: 'admin', role: 'admin' as const, sha256: hashToken(adminToken.token) }]
    : config.tokens;
  const metrics = createHubMetrics({
    store,
    relay: projections.relay,
    projections: projections.runner,
    sql,
    screeningQueue: screening.queue,
  });
  const health = createHubHealth({
    sql,
    relay: projections.relay,
    backbone: deps.backbone,
    screening: screening.toolkit,
    nodes: transfer.nodes,
    integrity: projections.checkpointer,
  });
  const app = buildGateway(
    { store, sql, logger: deps.logger, metrics, auth: { tokens }, health, users: deps.users.auth },
    {
      routes: [
        createAuditRoutes({
          sql,
          store,
          key: projections.key,
          runner: projections.runner,
          projections: projections.projections,
          relay: projections.relay,
          checkpoints: config.checkpoints,
        }),
        screening.routes,
        transfer.routes,
        deps.connectors.routes,
        deps.store.routes,
        deps.storeNodes.routes,
        deps.subscriptions.routes,
        deps.media.routes,
        deps.usage.routes,
        deps.users.routes,
        createCatalogService({ store, sql }).routes,
        createConfigRoutes(config),
      ],
      consoleRoot: CONSOLE_ROOT,
      liveProgress: transfer.liveProgress,
      readModelsAt: (position) => projections.runner.caughtUp(position),
    },
  );
  stack.defer('gateway', () => app.close());
  const gateway = await app;
  return {
    gateway,
    adminToken,
    /** Listens where the configuration says; resolves with the URL served. */
    listen: () => gateway.listen({ host: config.http.host, port: config.http.port }),
  };
}
