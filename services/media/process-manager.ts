import type { Logger } from 'pino';
import { AssetCleared } from '../../events/catalog/asset-events';
import { ProxyRequested } from '../../events/catalog/media-events';
import { isEvent } from '../../events/catalog/stored';
import type { StoredEvent } from '../../events/envelope';
import { handleCommand, loadState } from '../../events/handle-command';
import type { EventStore } from '../../events/store/event-store';
import { StateError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import type { WorkQueue } from '../../lib/work-queue/work-queue';
import { isOwed, mediaDecider } from './domain/media';
import type { MediaQueries } from './read-model/queries';
import type { RenditionsMaker } from './renditions-maker';

/** A request to answer: the asset and the stream version of its request (a clearance or a ProxyRequested). */
export interface MediaJob {
  assetId: string;
  requestedAt: number;
}

export interface MediaManagerDeps {
  store: EventStore;
  queue: WorkQueue<MediaJob>;
  make: RenditionsMaker;
  queries: Pick<MediaQueries, 'owedSince'>;
  logger: Logger;
  clock?: () => Date;
}

const ACTOR = 'service:media';

/** The queue's job id: one per request, so a remake asked for while a make runs is made after it. */
const jobIdOf = (job: MediaJob) => `${job.assetId.replace(/[^A-Za-z0-9_.-]/g, '_')}.${job.requestedAt}`;

/**
 * The media service's process manager. An asset cleared, or a remake asked
 * for, becomes a job on the `media` queue (its own concurrency, so renditions
 * never take screening's workers); a job reads the asset's stream, makes the
 * renditions from its origin copy (or another readable one) and records them
 * all in one append, for the request it answers. It is off the delivery path:
 * nothing in screening or transfer waits for it, and it never throws for
 * bad media (that is a ProxyFailed).
 */
export function createMediaManager(deps: MediaManagerDeps) {
  const { store, queue, logger } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function enqueue(job: MediaJob): Promise<void> {
    await queue.add(job, { jobId: jobIdOf(job) });
  }

  /** Answers one request; a request answered or superseded meanwhile is left alone. */
  async function run(job: MediaJob, signal?: AbortSignal): Promise<void> {
    const streamId = `asset-${job.assetId}`;
    const state = await loadState(store, streamId, mediaDecider);
    if (!isOwed(state) || state.requestedAt !== job.requestedAt) return;
    const started = clock().getTime();
    const results = await deps.make({
      assetId: job.assetId,
      sources: state.sources,
      originalName: state.originalName,
      signal,
    });
    if (results.length === 0) {
      logger.info({ assetId: job.assetId }, 'not media: no browse renditions');
      return;
    }
    try {
      // Decided on a fresh read: the stream moved on while ffmpeg ran (reads, deliveries); a conflict reads again.
      for (;;) {
        const result = await handleCommand(
          store,
          streamId,
          mediaDecider,
          { type: 'RecordRenditions', forRequest: job.requestedAt, results },
          { actor: ACTOR, now: clock().toISOString(), newId: () => uuidv7(clock().getTime()) },
        );
        if (!result.conflict) break;
      }
    } catch (err) {
      // Deleted or released meanwhile: nothing to record.
      if (!(err instanceof StateError)) throw err;
      return;
    }
    const failed = results.filter((r) => r.outcome === 'failed');
    logger[failed.length ? 'warn' : 'info'](
      {
        assetId: job.assetId,
        made: results.length - failed.length,
        failed: failed.map((f) => f.kind),
        ms: clock().getTime() - started,
      },
      failed.length ? `browse renditions: ${failed.length} failed` : 'browse renditions made',
    );
  }

  return {
    enqueue,
    run,
    /** Backbone handler: a clearance or a remake request becomes a job. */
    async handle(event: StoredEvent): Promise<void> {
      if (isEvent(AssetCleared, event) || isEvent(ProxyRequested, event))
        await enqueue({ assetId: event.data.assetId, requestedAt: event.version });
    },
    /** Starts the queue's workers; `signal` aborts the renditions being made (the hub stopping). */
    process(concurrency: number, signal?: AbortSignal): void {
      queue.process((job) => run(job.data, signal), {
        concurrency,
        onFailed: (job, err, final) =>
          // Stopped with the hub: nothing was recorded, so the sweep at the next start makes it again.
          signal?.aborted
            ? logger.info({ jobId: job.id }, 'media job stopped with the hub')
            : logger[final ? 'error' : 'warn']({ err, jobId: job.id, final }, 'media job failed'),
      });
    },
    /**
     * Queues again the requests of the last `windowMs` left unanswered: the
     * embedded queue and backbone keep nothing across a restart. Idempotent
     * (a queued request is not queued twice; an answered one is skipped).
     */
    async sweep(windowMs: number): Promise<number> {
      const owed = await deps.queries.owedSince(new Date(clock().getTime() - windowMs).toISOString());
      for (const job of owed) await enqueue(job);
      return owed.length;
    },
  };
}

export type MediaManager = ReturnType<typeof createMediaManager>;
