import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { ScreeningJob } from '../../services/screening/process-manager';
import { createAssetQueries } from '../../services/screening/read-model/queries';
import { createScreeningRoutes } from '../../services/screening/routes';
import { createScreeningService } from '../../services/screening/service';
import { createScreeningToolkit } from '../../services/screening/toolkit';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';
import type { OpenQueue } from './backbone';

export interface ScreeningPartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  openQueue: OpenQueue;
  catchUp: () => Promise<void>;
  logger: Logger;
}

/**
 * The screening service with its engines (clamd, YARA-X, media analysis) and
 * its queue. The production profile refuses to start here when a required
 * engine is unreachable, with the store and backbone closed again by the stack.
 */
export async function openScreeningPart(deps: ScreeningPartDeps, stack: CleanupStack) {
  const { config } = deps;
  const { sql, store } = deps.storage;
  const logger = deps.logger.child({ component: 'screening' });
  const toolkit = await createScreeningToolkit(config.screening, { profile: config.profile, logger });
  stack.defer('screening engines', () => toolkit.close());
  const queue = deps.openQueue<ScreeningJob>('screening');
  stack.defer('screening queue', () => queue.close());
  const service = createScreeningService(
    {
      store,
      sql,
      backbone: deps.backbone,
      queue,
      toolkit,
      networks: config.networks,
      catchUp: deps.catchUp,
      logger,
    },
    config.screening,
  );
  // The service's stop also closes its queue and engines; both closes are idempotent.
  stack.defer('screening', () => service.stop());
  const routes = createScreeningRoutes({ queries: createAssetQueries(sql), commands: service.commands });
  return { toolkit, queue, service, routes, start: () => service.start() };
}

export type ScreeningPart = Awaited<ReturnType<typeof openScreeningPart>>;
