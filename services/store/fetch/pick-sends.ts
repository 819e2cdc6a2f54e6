import type { Logger } from 'pino';
import type { DataOf } from '../../../events/catalog/define';
import { PickSendAnswered, PickSent } from '../../../events/catalog/pick-events';
import { isEvent } from '../../../events/catalog/stored';
import type { StoredEvent } from '../../../events/envelope';
import type { EventStore } from '../../../events/store/event-store';
import { stamp } from '../../../events/stamp';
import { HubError, IdempotencyError } from '../../../lib/errors';
import { uuidFromName } from '../../../lib/ids';
import { requestFetch, type FetchDeps } from './fetch';

const SWEEP_PAGE = 500;

type SendItem = DataOf<typeof PickSendAnswered>['items'][number];
type Sent = StoredEvent<'PickSent', DataOf<typeof PickSent>>;

export interface PickSendsDeps {
  fetch: FetchDeps;
  store: EventStore;
  logger: Logger;
  clock?: () => Date;
}

/**
 * The store's answer to a pick's send (`PickSent`, from the usage service):
 * each item is fetched into the send's network as `POST .../fetch` would,
 * as the pick's owner and in the send's correlation, and what each became
 * goes back on the pick's stream (`PickSendAnswered`, under an id derived
 * from the send). A redelivered send finds that answer and does nothing; one
 * cut off before it asks the store again, which answers a fetch already
 * under way with the same transfer (its id is derived from asset and
 * network), so every item is fetched once.
 */
export function createPickSends(deps: PickSendsDeps) {
  const { store, logger } = deps;
  const clock = deps.clock ?? (() => new Date());

  /** One item: the store's refusal (not cleared, no replica to read) is that item's outcome, not the send's failure. */
  async function fetchItem(sent: Sent, assetId: string): Promise<SendItem> {
    const { network, lane } = sent.data;
    try {
      const outcome = await requestFetch(deps.fetch, {
        assetId,
        network,
        ...(lane ? { lane } : {}),
        actor: sent.metadata.actor,
        correlationId: sent.metadata.correlationId,
        causationId: sent.id,
      });
      return outcome.held
        ? { assetId, outcome: 'held' }
        : { assetId, outcome: 'fetching', transferId: outcome.transferId, sourceNetwork: outcome.source.network };
    } catch (err) {
      // Anything else (the database gone) is thrown: the backbone delivers the send again.
      if (!(err instanceof HubError)) throw err;
      return { assetId, outcome: 'failed', code: err.code, reason: err.message.slice(0, 2000) };
    }
  }

  async function answer(sent: Sent): Promise<void> {
    const { pickId, sendId, network, assetIds } = sent.data;
    const stream = `pick-${pickId}`;
    const answerId = uuidFromName(`pick-send-answered:${sendId}`);
    if ((await store.readStream(stream)).some((e) => e.id === answerId)) return;
    const items: SendItem[] = [];
    for (const assetId of assetIds) items.push(await fetchItem(sent, assetId));
    const answered = stamp([{ type: 'PickSendAnswered' as const, data: { pickId, sendId, network, items } }], {
      actor: 'service:store',
      now: clock().toISOString(),
      newId: () => answerId,
      correlationId: sent.metadata.correlationId,
      causationId: sent.id,
    });
    try {
      // Not against the pick's version: the answer depends on nothing the owner changes after the send.
      if ((await store.append(stream, answered, 'any')).duplicate) return;
    } catch (err) {
      // Another member of the group answered the same send first (its outcomes may read differently).
      if (!(err instanceof IdempotencyError)) throw err;
      return;
    }
    const count = (o: SendItem['outcome']) => items.filter((i) => i.outcome === o).length;
    logger.info(
      { pickId, sendId, network, fetching: count('fetching'), held: count('held'), failed: count('failed') },
      'pick send answered',
    );
  }

  return {
    answer,
    /** Backbone handler (pick streams). */
    async handle(event: StoredEvent): Promise<void> {
      if (isEvent(PickSent, event)) await answer(event);
    },

    /**
     * Answers the sends of the last `windowMs` that have no answer: the
     * embedded backbone keeps no offsets, so a send a crash cut off is found
     * here, from the log itself. Idempotent like `answer`; the number answered now.
     */
    async sweep(windowMs: number): Promise<number> {
      const from = new Date(clock().getTime() - windowMs).toISOString();
      const sent = new Map<string, Sent>();
      const answered = new Set<string>();
      for (let after = 0n; ;) {
        const page = await store.readAll({ after, limit: SWEEP_PAGE, types: ['PickSent', 'PickSendAnswered'], from });
        for (const e of page) {
          if (isEvent(PickSent, e)) sent.set(e.data.sendId, e);
          else if (isEvent(PickSendAnswered, e)) answered.add(e.data.sendId);
        }
        if (page.length < SWEEP_PAGE) break;
        after = page.at(-1)!.position;
      }
      const open = [...sent.values()].filter((e) => !answered.has(e.data.sendId));
      for (const e of open) await answer(e);
      return open.length;
    },
  };
}

export type PickSends = ReturnType<typeof createPickSends>;
