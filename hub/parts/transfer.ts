import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { createNodeLayoutMonitor } from '../../lib/node-layout';
import type { Analyzer } from '../../services/screening/analysis/analyze';
import { probeNode } from '../../services/store/nodes/probe';
import { createTransferCommands } from '../../services/transfer/commands';
import { createCopier } from '../../services/transfer/copier/copier';
import { createTokenBucket } from '../../services/transfer/copier/throttle';
import { createInProcessProgressBoard, createRedisProgressBoard } from '../../services/transfer/progress';
import { createTransferQueries } from '../../services/transfer/read-model/queries';
import { createTransferRoutes } from '../../services/transfer/routes';
import type { TransferJob } from '../../services/transfer/saga';
import { createTransferService } from '../../services/transfer/service';
import { createRenderer, type CheckRendition } from '../../services/transfer/transcode/renderer';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';
import type { OpenQueue } from './backbone';

export interface TransferPartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  openQueue: OpenQueue;
  catchUp: () => Promise<void>;
  /** Screening's media analysis: a rendition is checked against its target's policy as a dropped file is. */
  analyzer: Pick<Analyzer, 'analyze'>;
  logger: Logger;
}

/** A rendition passes when screening's analysis finds it sound and its target's policy accepts it as it is. */
export function renditionChecker(analyzer: Pick<Analyzer, 'analyze'>): CheckRendition {
  return async (path, originalName, target) => {
    const verdict = await analyzer.analyze(path, originalName, [target]);
    if (!verdict.passed) return { ok: false, rule: verdict.rule, reason: verdict.reason };
    const outcome = verdict.targetOutcomes[target];
    if (!outcome || outcome.outcome === 'accepted') return { ok: true };
    return { ok: false, rule: outcome.rule, reason: outcome.reason };
  };
}

/**
 * The transfer service, its commands and its routes, with the adapters the
 * profile asks for, and the monitor of the networks' node layouts (a transfer
 * waits while its target's is unsound; /health/ready names it).
 */
export function openTransferPart(deps: TransferPartDeps, stack: CleanupStack) {
  const { config } = deps;
  const { sql, store } = deps.storage;
  const logger = deps.logger.child({ component: 'transfer' });
  // Every node's drop folders, inbox and hub folders must stay real folders inside it (no symbolic links).
  const nodes = createNodeLayoutMonitor(
    config.networks.map((n) => ({
      id: n.id,
      root: n.root,
      targets: config.networks.filter((t) => t.id !== n.id).map((t) => t.id),
    })),
    {
      logger: deps.logger.child({ component: 'node-layout' }),
      // The store's health probe: a node whose statfs or small write fails is down, and transfers into it wait.
      probe: probeNode,
      intervalMs: config.storage?.probeIntervalMs,
    },
  );
  stack.defer('node layout monitor', () => nodes.stop());
  const progress = config.redisUrl
    ? createRedisProgressBoard(config.redisUrl, config.queuePrefix)
    : createInProcessProgressBoard();
  stack.defer('transfer progress board', () => progress.close());
  const queues = {
    urgent: deps.openQueue<TransferJob>('transfer-urgent'),
    normal: deps.openQueue<TransferJob>('transfer-normal'),
  };
  stack.defer('transfer queues', () => Promise.all([queues.urgent.close(), queues.normal.close()]));
  const service = createTransferService(
    {
      store,
      sql,
      backbone: deps.backbone,
      queues,
      copier: createCopier(),
      bucket: (bytesPerSecond) => createTokenBucket({ bytesPerSecond }),
      progress,
      renderer: createRenderer(
        { checkRendition: renditionChecker(deps.analyzer) },
        { concurrency: config.transfer.transcodeConcurrency },
      ),
      networks: config.networks,
      nodes,
      worker: `${hostname()}:${process.pid}`,
      catchUp: deps.catchUp,
      logger,
    },
    config.transfer,
  );
  // The service's stop also closes its queues and progress board; those closes are idempotent.
  stack.defer('transfer', () => service.stop());
  const commands = createTransferCommands({ store, progress, networks: config.networks.map((n) => n.id) });
  const queries = createTransferQueries(sql, { historyDays: config.transfer.historyDays });
  const routes = createTransferRoutes({
    queries,
    commands,
    progress,
    lanes: () => {
      const s = service.lanes().status();
      return { urgent: s.urgent, normal: s.normal };
    },
    controls: service.controls,
    networks: config.networks.map((n) => n.id),
  });
  return {
    nodes,
    service,
    commands,
    routes,
    /** Progress of the running copies (at most 500), for the console's live stream. */
    async liveProgress(): Promise<Record<string, unknown>> {
      const running = await queries.list({ state: 'running', limit: 500 });
      return running.items.length === 0 ? {} : progress.read(running.items.map((t) => t.id));
    },
    async start(): Promise<void> {
      await nodes.start();
      await service.start();
    },
  };
}

export type TransferPart = ReturnType<typeof openTransferPart>;
