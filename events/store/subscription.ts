import type { Sql } from '../../lib/db/sql';
import { createWaker } from '../../lib/waker';
import type { StoredEvent } from '../envelope';
import type { ReadAllOptions, SubscribeOptions, Subscription } from './event-store';

interface SubscriptionDeps extends SubscribeOptions {
  sql: Sql;
  readAll: (o: ReadAllOptions) => Promise<StoredEvent[]>;
  handler: (event: StoredEvent) => Promise<void>;
}

/**
 * Catch-up subscription: reads history in batches, then waits for a NOTIFY
 * (or the poll interval, which also covers a notification lost with a
 * dropped connection) and reads again. It relies on `readAll` returning only
 * final positions, so moving `after` forward can never skip a late commit.
 */
export function createSubscription(deps: SubscriptionDeps): Subscription {
  const batchSize = deps.batchSize ?? 500;
  const pollMs = deps.pollMs ?? 250;
  let after = deps.after;
  let stopped = false;
  const waker = createWaker();
  const waiters: Array<{ position: bigint; resolve: () => void }> = [];

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.position <= after) waiters.splice(i, 1)[0]!.resolve();
    }
  };
  let unlisten: (() => Promise<void>) | undefined;
  const listening = deps.sql
    .listen('mx_events', () => waker.wake())
    .then((u) => {
      unlisten = u;
    })
    .catch(() => undefined);

  const loop = (async () => {
    await listening;
    while (!stopped) {
      try {
        const batch = await deps.readAll({ after, limit: batchSize });
        for (const event of batch) {
          if (stopped) break;
          await deps.handler(event);
          after = event.position;
        }
        settleWaiters();
        if (batch.length < batchSize && !stopped) await waker.sleep(pollMs);
      } catch (err) {
        deps.onError?.(err);
        if (!stopped) await waker.sleep(Math.max(pollMs, 1000));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      waker.wake();
      await loop;
      await unlisten?.();
    },
    caughtUp(position) {
      if (position <= after) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.push({ position, resolve });
        waker.wake();
      });
    },
  };
}
