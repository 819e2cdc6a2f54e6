import type { Logger } from 'pino';
import type { Sql } from '../../lib/db/sql';
import type { Custody } from './custody';

export interface SweepDeps {
  sql: Sql;
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
      const pending = await deps.sql.query<{ asset_id: string }>(
        `select asset_id from rm_assets where state in ('detected', 'ingested', 'screening', 'released')
          order by created_at`,
      );
      for (const row of pending) await deps.enqueue(row.asset_id);
      let removed = 0;
      if (options.removeDeleted) {
        const deleted = await deps.sql.query<{ asset_id: string; source_network: string }>(
          `select asset_id, source_network from rm_assets where state = 'deleted'`,
        );
        for (const row of deleted) {
          await deps.custody.remove({ assetId: row.asset_id, sourceNetwork: row.source_network, stagedPath: '' });
          removed += 1;
        }
      }
      const report = { queued: pending.length, removed };
      if (report.queued > 0) deps.logger.info(report, 'screening sweep re-derived work');
      return report;
    },
  };
}
