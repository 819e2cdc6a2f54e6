import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Backbone } from '../events/backbone/backbone';
import type { EventStore } from '../events/store/event-store';
import type { Sql } from '../lib/db/sql';
import type { NodeLayoutMonitor } from '../lib/node-layout';
import type { WorkQueue } from '../lib/work-queue/work-queue';
import { createTransferCommands } from '../services/transfer/commands';
import { createCopier } from '../services/transfer/copier/copier';
import { createTokenBucket } from '../services/transfer/copier/throttle';
import { createInProcessProgressBoard, createRedisProgressBoard } from '../services/transfer/progress';
import { createTransferQueries } from '../services/transfer/read-model/queries';
import { createTransferRoutes } from '../services/transfer/routes';
import type { TransferJob } from '../services/transfer/saga';
import { createTransferService } from '../services/transfer/service';
import type { HubConfig } from './config';

export interface TransferPartDeps {
  config: HubConfig;
  store: EventStore;
  sql: Sql;
  backbone: Backbone;
  openQueue: <T>(name: string) => WorkQueue<T>;
  catchUp: () => Promise<void>;
  /** Probes the networks' node layouts; a transfer waits while its target's is unsound. */
  nodes: NodeLayoutMonitor;
  logger: Logger;
}

/** The transfer service, its commands and its routes, with the adapters the profile asks for. */
export function buildTransferPart(deps: TransferPartDeps) {
  const { config, store, sql } = deps;
  const logger = deps.logger.child({ component: 'transfer' });
  const progress = config.redisUrl
    ? createRedisProgressBoard(config.redisUrl, config.queuePrefix)
    : createInProcessProgressBoard();
  const service = createTransferService(
    {
      store,
      sql,
      backbone: deps.backbone,
      queues: {
        urgent: deps.openQueue<TransferJob>('transfer-urgent'),
        normal: deps.openQueue<TransferJob>('transfer-normal'),
      },
      copier: createCopier(),
      bucket: (bytesPerSecond) => createTokenBucket({ bytesPerSecond }),
      progress,
      networks: config.networks,
      nodes: deps.nodes,
      worker: `${hostname()}:${process.pid}`,
      catchUp: deps.catchUp,
      logger,
    },
    config.transfer,
  );
  const commands = createTransferCommands({ store, progress, networks: config.networks.map((n) => n.id) });
  const routes = createTransferRoutes({
    queries: createTransferQueries(sql, { historyDays: config.transfer.historyDays }),
    commands,
    progress,
    lanes: () => {
      const s = service.lanes().status();
      return { urgent: s.urgent, normal: s.normal };
    },
    controls: service.controls,
    networks: config.networks.map((n) => n.id),
  });
  return { service, commands, routes };
}
