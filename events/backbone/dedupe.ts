import type { Sql } from '../../lib/db/sql';
import { ValidationError } from '../../lib/errors';
import type { StoredEvent } from '../envelope';

/** A backbone handler that receives the transaction its event is recorded in. */
export type TransactionalHandler = (event: StoredEvent, tx: Sql) => Promise<void>;

/**
 * Wraps a backbone handler so that redeliveries (Kafka and the in-process
 * backbone deliver at least once) are dropped: `handler` completes at most
 * once per (`consumer`, event id), recorded in `mx_consumed_events`.
 *
 * How: one transaction per event that first inserts the (consumer, event id)
 * row, then runs `handler(event, tx)`, then commits. If the row is there
 * already, the event was handled and is skipped. If `handler` throws, the
 * transaction rolls back, the row goes with it, and the error reaches the
 * backbone, which redelivers.
 *
 * Semantics, honestly:
 * - Writes `handler` makes through `tx` happen exactly once: they commit
 *   together with the row or not at all.
 * - Anything else `handler` does (files, HTTP, queues, writes through another
 *   connection) is at least once: if the process dies or the commit fails
 *   after it ran, the event comes back and it runs again. Make such effects
 *   idempotent themselves (by event id or expected version).
 * - Two concurrent deliveries of one event (a rebalance can cause them) do
 *   not both run: the second insert waits on the first's row lock, then
 *   either finds it committed (skip) or rolled back (handle).
 *
 * The transaction stays open while `handler` runs, holding one connection:
 * keep handlers short, and move slow work to the work queue.
 */
export function createDedupingHandler(
  sql: Sql,
  consumer: string,
  handler: TransactionalHandler,
): (event: StoredEvent) => Promise<void> {
  if (!consumer)
    throw new ValidationError('createDedupingHandler: `consumer` must name the consumer (it keys the dedupe table)');
  return (event) =>
    sql.transaction(async (tx) => {
      const claimed = await tx.query(
        `insert into mx_consumed_events (consumer, event_id) values ($1, $2)
         on conflict (consumer, event_id) do nothing returning event_id`,
        [consumer, event.id],
      );
      if (claimed.length === 0) return;
      await handler(event, tx);
    });
}
