import type { Logger } from 'pino';
import type { Backbone } from '../events/backbone/backbone';
import type { Relay } from '../events/backbone/relay';
import type { SigningKey } from '../events/integrity/keys';
import type { ProjectionRunner } from '../events/projections';
import type { Sql } from '../lib/db/sql';
import { createCleanupStack } from '../lib/cleanup-stack';
import type { EventStore } from '../events/store/event-store';
import type { ScreeningService } from '../services/screening/service';
import type { TransferService } from '../services/transfer/service';
import type { AdminToken } from './admin-token';
import type { HubConfig } from './config';
import { openBackbonePart, queueOpener } from './parts/backbone';
import { openConnectorsPart } from './parts/connectors';
import { openGatewayPart } from './parts/gateway';
import { openMediaPart } from './parts/media';
import { openProjectionsPart } from './parts/projections';
import { openScreeningPart } from './parts/screening';
import { openStoragePart } from './parts/storage';
import { openStorePart } from './parts/store';
import { openStoreNodesPart } from './parts/store-nodes';
import { openSubscriptionsPart } from './parts/subscriptions';
import { openTransferPart } from './parts/transfer';
import { openUsagePart } from './parts/usage';
import { openUsersPart } from './parts/users';

export interface Hub {
  config: HubConfig;
  sql: Sql;
  store: EventStore;
  backbone: Backbone;
  relay: Relay;
  projections: ProjectionRunner;
  screening: ScreeningService;
  transfer: TransferService;
  key: SigningKey;
  gateway: Awaited<ReturnType<typeof openGatewayPart>>['gateway'];
  /** The antivirus engines scanning, and those configured but left out at start (embedded, unreachable). */
  engines: { scanning: string[]; missing: string[] };
  /** The bootstrap admin token; none when `auth.tokens[]` configures an admin and MXHUB_ADMIN_TOKEN is not set. */
  adminToken?: AdminToken;
  /**
   * Starts the background work and listens; resolves with the URL served. A
   * failure (a port already taken...) closes everything the hub had open.
   */
  start(): Promise<string>;
  /** Graceful: stops taking requests, finishes in-flight work, flushes the relay, signs a last checkpoint. */
  stop(): Promise<void>;
}

/**
 * The composition root: the only place that chooses adapters by profile. Each
 * part (hub/parts/) opens its adapters and registers their closes on one
 * cleanup stack, in this order; a failure at any step of build or start closes
 * what was open before it, and stop unwinds the stack: gateway first, storage
 * last.
 */
export async function buildHub(config: HubConfig, logger: Logger): Promise<Hub> {
  const stack = createCleanupStack({
    onClosed: (part) => logger.debug({ part }, 'closed'),
    onError: (part, err) => logger.error({ err, part }, 'closing failed'),
  });
  return stack.guard(async () => {
    const storage = await openStoragePart(config, stack);
    const backbone = await openBackbonePart(config, logger, stack);
    const projections = openProjectionsPart({ config, storage, backbone, logger }, stack);
    const services = { config, storage, backbone, openQueue: queueOpener(config, logger), logger };
    const screening = await openScreeningPart({ ...services, catchUp: projections.catchUp }, stack);
    const transfer = openTransferPart(
      { ...services, catchUp: projections.catchUp, analyzer: screening.toolkit.analyzer },
      stack,
    );
    const connectors = openConnectorsPart({ config, store: storage.store, logger }, stack);
    const storeNodes = openStoreNodesPart(
      { config, storage, monitor: transfer.nodes, backbone, catchUp: projections.catchUp, logger },
      stack,
    );
    const store = openStorePart({ config, storage, backbone, logger, links: storeNodes.linkStats }, stack);
    const usage = openUsagePart({ config, storage });
    const users = openUsersPart({ config, storage, logger }, stack);
    const subscriptions = openSubscriptionsPart(
      { config, storage, backbone, logger, catchUp: projections.catchUp },
      stack,
    );
    const media = openMediaPart({ ...services, catchUp: projections.catchUp }, stack);
    const gateway = await openGatewayPart(
      {
        config,
        storage,
        backbone,
        projections,
        screening,
        transfer,
        connectors,
        store,
        storeNodes,
        subscriptions,
        media,
        usage,
        users,
        logger,
      },
      stack,
    );
    return {
      config,
      sql: storage.sql,
      store: storage.store,
      backbone,
      relay: projections.relay,
      projections: projections.runner,
      screening: screening.service,
      engines: { scanning: screening.toolkit.engines.map((e) => e.name), missing: screening.toolkit.missing },
      transfer: transfer.service,
      key: projections.key,
      gateway: gateway.gateway,
      ...(gateway.adminToken ? { adminToken: gateway.adminToken } : {}),
      start: () =>
        stack.guard(async () => {
          for (const part of [
            projections,
            users,
            screening,
            transfer,
            storeNodes,
            store,
            subscriptions,
            media,
            connectors,
          ])
            await part.start();
          return gateway.listen();
        }),
      stop: () => stack.close(),
    };
  });
}
