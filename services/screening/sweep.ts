import type { Logger } from 'pino';
import type { Custody } from './custody';
import type { AssetQueries } from './read-model/queries';

export interface SweepDeps {
  queries: Pick<AssetQueries, 'awaitingScreening' | 'deleted'>;
  /** Brings the read models up to the head of the log before they are trusted. */
  catchUp: () => Promise<void>;
  enqueue: (assetId: string) => Promise<void>;
  custody: Custody;
  logger: Logger;
}

export interface SweepReport {
  queued: number;
  removed: number;
}

/**
 * Re-derives screening's work from the read models, so that nothing held
 * only by a queue or a consumer offset can be lost: the in-process queue
 * dies with its process, a Redis can be flushed, a job can fail for good.
 * Everything it does is idempotent (job ids, `no_stream` transfer appends,
 * `rm -rf` of deleted assets), so running it at every start and then
 * periodically is safe.
 */
export function createScreeningSweep(deps: SweepDeps) {
  return {
    async run(options: { removeDeleted?: boolean } = {}): Promise<SweepReport> {
      await deps.catchUp();
      const pending = await deps.queries.awaitingScreening();
      for (const assetId of pending) await deps.enqueue(assetId);
      let removed = 0;
      if (options.removeDeleted) {
        for (const { assetId, sourceNetwork } of await deps.queries.deleted()) {
          await deps.custody.remove({ assetId, sourceNetwork, stagedPath: '' });
          removed += 1;
        }
      }
      const report = { queued: pending.length, removed };
      if (report.queued > 0) deps.logger.info(report, 'screening sweep re-derived work');
      return report;
    },
  };
}
