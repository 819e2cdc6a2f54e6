import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { createMediaService } from '../../services/media/service';
import type { MediaJob } from '../../services/media/process-manager';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';
import type { OpenQueue } from './backbone';

export interface MediaPartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  openQueue: OpenQueue;
  catchUp: () => Promise<void>;
  logger: Logger;
}

/**
 * Browse renditions (issue 14 item 3) on their own `media` queue, written
 * into the centre's store. Its consumer and queue close before the
 * projections and the backbone they read; a job running then finishes first.
 */
export function openMediaPart(deps: MediaPartDeps, stack: CleanupStack) {
  const { config } = deps;
  const queue = deps.openQueue<MediaJob>('media');
  stack.defer('media queue', () => queue.close());
  const service = createMediaService(
    {
      store: deps.storage.store,
      sql: deps.storage.sql,
      backbone: deps.backbone,
      queue,
      catchUp: deps.catchUp,
      logger: deps.logger.child({ component: 'media' }),
    },
    {
      centerRoot: config.media.centerRoot,
      concurrency: config.media.concurrency,
      filmstripIntervalSeconds: config.media.filmstripIntervalSeconds,
    },
  );
  stack.defer('media', () => service.stop());
  return { service, routes: service.routes, start: () => service.start() };
}

export type MediaPart = ReturnType<typeof openMediaPart>;
