import type { Logger } from 'pino';
import type { Backbone, BackboneConsumer } from '../../events/backbone/backbone';
import { AssetReleased, isAssetEvent, isEvent } from '../../events/catalog';
import type { StoredEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import type { Sql } from '../../lib/db/sql';
import type { WorkQueue } from '../../lib/work-queue/work-queue';
import { createScreeningCommands } from './commands';
import { createCustody } from './custody';
import { createScreeningProcessManager, type ScreeningJob } from './process-manager';
import { createAssetQueries } from './read-model/queries';
import { createScreeningSweep } from './sweep';
import type { ScreeningToolkit } from './toolkit';

export interface ScreeningServiceDeps {
  store: EventStore;
  sql: Sql;
  backbone: Backbone;
  queue: WorkQueue<ScreeningJob>;
  toolkit: ScreeningToolkit;
  networks: Array<{ id: string; root: string }>;
  /** Brings the read models to the head (the sweep trusts them only then). */
  catchUp: () => Promise<void>;
  logger: Logger;
}

export interface ScreeningServiceOptions {
  concurrency: number;
  retryUnavailableMs: number;
  /** How often the sweep re-derives work that fell through. @default 60000 */
  sweepIntervalMs?: number;
}

const isRescreen = (e: StoredEvent) => isEvent(AssetReleased, e) && e.data.mode === 'rescreen';

/**
 * The screening service in one process: the backbone consumer that turns
 * asset events into queue jobs, the queue's workers,
 * and the sweep. Any number of processes may run it side by side: the
 * consumers share their groups, the queue spreads the jobs.
 */
export function createScreeningService(deps: ScreeningServiceDeps, options: ScreeningServiceOptions) {
  const logger = deps.logger;
  const custody = createCustody(deps.networks);
  const manager = createScreeningProcessManager(
    { store: deps.store, queue: deps.queue, stages: deps.toolkit.stages, custody, logger },
    options,
  );
  const sweep = createScreeningSweep({
    queries: createAssetQueries(deps.sql),
    catchUp: deps.catchUp,
    enqueue: (assetId) => manager.enqueue(assetId),
    custody,
    logger,
  });
  const commands = createScreeningCommands({ store: deps.store, custody });
  const consumers: BackboneConsumer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();

  const runSweep = (removeDeleted = false) => {
    sweeping = sweep.run({ removeDeleted }).catch((err) => logger.error({ err }, 'screening sweep failed'));
    return sweeping;
  };

  return {
    commands,
    custody,
    sweep,
    async start(): Promise<void> {
      manager.start();
      consumers.push(
        await deps.backbone.consume({ groupId: 'mxhub.screening', categories: ['asset'] }, async (event) => {
          if (isAssetEvent(event) && (event.type === 'AssetIngested' || isRescreen(event))) {
            await manager.enqueue(event.data.assetId);
          }
        }),
      );
      await runSweep(true);
      timer = setInterval(() => void runSweep(), options.sweepIntervalMs ?? 60_000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      for (const c of consumers.splice(0)) await c.stop();
      await sweeping;
      await deps.queue.close();
      await deps.toolkit.close();
    },
  };
}

export type ScreeningService = ReturnType<typeof createScreeningService>;
