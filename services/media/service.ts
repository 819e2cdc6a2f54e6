import type { Logger } from 'pino';
import type { Backbone, BackboneConsumer } from '../../events/backbone/backbone';
import type { EventStore } from '../../events/store/event-store';
import type { Sql } from '../../lib/db/sql';
import type { WorkQueue } from '../../lib/work-queue/work-queue';
import type { GatewayRoutes } from '../gateway/deps';
import { renditionDefaults } from './domain/renditions';
import { createMediaManager, type MediaJob } from './process-manager';
import { createMediaQueries } from './read-model/queries';
import { createRenditionsMaker } from './renditions-maker';
import { mediaRoutes } from './routes/media';

export interface MediaServiceDeps {
  store: EventStore;
  sql: Sql;
  backbone: Backbone;
  /** The `media` queue: renditions are heavy, so they are spread over every hub process like screening. */
  queue: WorkQueue<MediaJob>;
  /** Brings the read models to the head (the sweep at start trusts them only then). */
  catchUp: () => Promise<void>;
  logger: Logger;
}

export interface MediaServiceOptions {
  /** The centre store, where every rendition is written (`storage.centerRoot`). */
  centerRoot: string;
  /** Renditions made at once per hub process; 0 takes no media work (no consumer, queue worker or sweep). @default 1 */
  concurrency?: number;
  /** Seconds between two thumbnails of a filmstrip. @default 10 */
  filmstripIntervalSeconds?: number;
  /** How far back the sweep at start looks for unanswered requests. @default 86400000 (a day) */
  sweepWindowMs?: number;
}

/**
 * The media service in one process: browse renditions of cleared assets
 * (issue 14 item 3). Its backbone consumer (group `mxhub.media`, asset
 * streams) turns clearances and remake requests into jobs on its own queue
 * with its own concurrency, so proxies never starve screening; its routes
 * serve what was made from the centre store.
 */
export function createMediaService(deps: MediaServiceDeps, options: MediaServiceOptions) {
  const queries = createMediaQueries(deps.sql);
  const make = createRenditionsMaker(options.centerRoot, {
    filmstripIntervalSeconds: options.filmstripIntervalSeconds ?? renditionDefaults.filmstripIntervalSeconds,
  });
  const manager = createMediaManager({ store: deps.store, queue: deps.queue, make, queries, logger: deps.logger });
  const routes: GatewayRoutes = mediaRoutes({ queries, store: deps.store, centerRoot: options.centerRoot });
  let consumer: BackboneConsumer | undefined;
  // Stopping aborts ffmpeg rather than waiting minutes for a long proxy; the request stays owed for the sweep.
  const stopping = new AbortController();
  return {
    queries,
    manager,
    routes,
    async start(): Promise<void> {
      if (options.concurrency === 0) {
        deps.logger.info('media.concurrency is 0: this process makes no browse renditions');
        return;
      }
      manager.process(options.concurrency ?? 1, stopping.signal);
      consumer = await deps.backbone.consume({ groupId: 'mxhub.media', categories: ['asset'] }, (event) =>
        manager.handle(event),
      );
      await deps.catchUp();
      const queued = await manager.sweep(options.sweepWindowMs ?? 86_400_000);
      if (queued > 0) deps.logger.info({ queued }, 'unanswered rendition requests queued again');
    },
    async stop(): Promise<void> {
      stopping.abort();
      await consumer?.stop();
      consumer = undefined;
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
