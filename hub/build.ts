import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from 'pino';
import type { Backbone } from '../events/backbone/backbone';
import { createInProcessBackbone } from '../events/backbone/adapters/in-process';
import { createKafkaBackbone } from '../events/backbone/adapters/kafka';
import { createRelay, type Relay } from '../events/backbone/relay';
import { createCheckpointer } from '../events/integrity/checkpointer';
import { loadSigningKey, type SigningKey } from '../events/integrity/keys';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../events/projections';
import { createWatchFolderConnector } from '../connectors/watch-folder/connector';
import { UnavailableError } from '../lib/errors';
import { createNodeLayoutMonitor } from '../lib/node-layout';
import { createBullMqWorkQueue } from '../lib/work-queue/adapters/bullmq';
import { createInProcessWorkQueue } from '../lib/work-queue/adapters/in-process';
import type { WorkQueue } from '../lib/work-queue/work-queue';
import type { ScreeningJob } from '../services/screening/process-manager';
import { createScreeningRoutes } from '../services/screening/routes';
import { createAssetQueries } from '../services/screening/read-model/queries';
import { createScreeningService, type ScreeningService } from '../services/screening/service';
import { createScreeningToolkit } from '../services/screening/toolkit';
import type { TransferService } from '../services/transfer/service';
import { buildTransferPart } from './transfer';
import { createAuditRoutes } from '../services/audit/routes';
import { buildGateway, type Gateway } from '../services/gateway/app';
import { hashToken } from '../services/gateway/auth';
import { bootstrapAdminToken, type AdminToken } from './admin-token';
import type { HubConfig } from './config';
import { createHubHealth } from './health';
import { createHubMetrics } from './metrics';
import { pingRedis } from './redis';
import { openStorage, type Storage } from './storage';

export interface Hub extends Storage {
  config: HubConfig;
  backbone: Backbone;
  relay: Relay;
  projections: ProjectionRunner;
  screening: ScreeningService;
  transfer: TransferService;
  key: SigningKey;
  gateway: Awaited<Gateway>;
  /** The bootstrap admin token; none when `auth.tokens[]` configures an admin and MXHUB_ADMIN_TOKEN is not set. */
  adminToken?: AdminToken;
  /** Starts the background work and listens; resolves with the URL served. */
  start(): Promise<string>;
  /** Graceful: stops taking requests, finishes in-flight work, flushes the relay, signs a last checkpoint. */
  stop(): Promise<void>;
}

/** Makes each network's node folders: drop/<target>/ for every other network, and inbox/. */
function prepareNetworks(config: HubConfig): void {
  for (const n of config.networks) {
    mkdirSync(join(n.root, 'inbox'), { recursive: true });
    for (const target of config.networks)
      if (target.id !== n.id) mkdirSync(join(n.root, 'drop', target.id), { recursive: true });
  }
}

async function openBackbone(config: HubConfig, logger: Logger): Promise<Backbone> {
  if (!config.kafka) return createInProcessBackbone();
  const kafka = createKafkaBackbone({ ...config.kafka, logger: logger.child({ component: 'kafka' }) });
  if (!(await kafka.healthy())) {
    await kafka.close().catch(() => undefined);
    throw new UnavailableError(`Kafka at ${config.kafka.brokers.join(',')}`);
  }
  return kafka;
}

function openQueue<T>(config: HubConfig, name: string, logger: Logger): WorkQueue<T> {
  if (!config.redisUrl) return createInProcessWorkQueue<T>(name);
  return createBullMqWorkQueue<T>(name, {
    connection: config.redisUrl,
    prefix: config.queuePrefix,
    logger: logger.child({ queue: name }),
  });
}

/** Resolves once every projection has applied the log up to its head at the time of the call. */
async function projectionsAtHead(store: Storage['store'], runner: ProjectionRunner): Promise<void> {
  await runner.caughtUp(await store.headPosition());
}

/** The composition root: the only place that chooses adapters by profile. */
export async function buildHub(config: HubConfig, logger: Logger): Promise<Hub> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (config.profile === 'production') await pingRedis(config.redisUrl!);
  const storage = await openStorage(config);
  const { sql, store } = storage;
  let backbone: Backbone;
  try {
    backbone = await openBackbone(config, logger);
  } catch (err) {
    await storage.close();
    throw err;
  }
  prepareNetworks(config);
  // Every node's drop folders, inbox and hub folders must stay real folders inside it (no symbolic links).
  const nodes = createNodeLayoutMonitor(
    config.networks.map((n) => ({
      id: n.id,
      root: n.root,
      targets: config.networks.filter((t) => t.id !== n.id).map((t) => t.id),
    })),
    { logger: logger.child({ component: 'node-layout' }) },
  );
  const projections = allProjections();
  const runner = createProjectionRunner({
    sql,
    store,
    projections,
    logger: logger.child({ component: 'projections' }),
  });
  const relay = createRelay({ sql, store, backbone, logger: logger.child({ component: 'relay' }) });
  const key = loadSigningKey(config.checkpoints.keyFile);
  const checkpointer = createCheckpointer(
    { sql, key, backbone, logger: logger.child({ component: 'checkpointer' }) },
    { exportFile: config.checkpoints.exportFile, intervalMs: config.checkpoints.intervalMs },
  );
  // One drop-folder connector per network: files in <root>/drop/<target>/ become assets.
  const connectors = config.networks.map((n) =>
    createWatchFolderConnector({
      network: n,
      targets: config.networks.filter((t) => t.id !== n.id).map((t) => t.id),
      store,
      logger: logger.child({ component: 'watch-folder', network: n.id }),
      ...config.connectors,
    }),
  );
  const toolkit = await createScreeningToolkit(config.screening, {
    profile: config.profile,
    logger: logger.child({ component: 'screening' }),
  }).catch(async (err) => {
    await backbone.close().catch(() => undefined);
    await storage.close();
    throw err;
  });
  const screeningQueue = openQueue<ScreeningJob>(config, 'screening', logger);
  const screening = createScreeningService(
    {
      store,
      sql,
      backbone,
      queue: screeningQueue,
      toolkit,
      networks: config.networks,
      catchUp: () => projectionsAtHead(store, runner),
      logger: logger.child({ component: 'screening' }),
    },
    config.screening,
  );
  const transfer = buildTransferPart({
    config,
    store,
    sql,
    backbone,
    openQueue: (name) => openQueue(config, name, logger),
    catchUp: () => projectionsAtHead(store, runner),
    nodes,
    logger,
  });
  const adminToken = bootstrapAdminToken(config.dataDir, {
    fromEnv: config.adminToken,
    adminConfigured: config.tokens.some((t) => t.role === 'admin'),
  });
  const tokens = adminToken
    ? [...config.tokens, { name: 'admin', role: 'admin' as const, sha256: hashToken(adminToken.token) }]
    : config.tokens;
  const metrics = createHubMetrics({ store, relay, projections: runner, sql, screeningQueue });
  const gateway = await buildGateway(
    {
      store,
      sql,
      logger,
      metrics,
      auth: { tokens },
      health: createHubHealth({ sql, relay, backbone, screening: toolkit, nodes, integrity: checkpointer }),
    },
    {
      routes: [
        createAuditRoutes({ sql, store, key, runner, projections, relay, checkpoints: config.checkpoints }),
        createScreeningRoutes({ queries: createAssetQueries(sql), commands: screening.commands }),
        transfer.routes,
      ],
    },
  );

  return {
    ...storage,
    config,
    backbone,
    relay,
    projections: runner,
    screening,
    transfer: transfer.service,
    key,
    gateway,
    ...(adminToken ? { adminToken } : {}),
    async start() {
      await runner.start();
      relay.start();
      checkpointer.start();
      await nodes.start();
      await screening.start();
      await transfer.service.start();
      for (const c of connectors) await c.start();
      return gateway.listen({ host: config.http.host, port: config.http.port });
    },
    async stop() {
      await gateway.close();
      for (const c of connectors) await c.stop();
      await transfer.service.stop();
      await nodes.stop();
      await screening.stop();
      await runner.stop();
      await relay.stop();
      await checkpointer.stop();
      await backbone.close();
      await storage.close();
    },
  };
}
