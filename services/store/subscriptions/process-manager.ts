import type { Logger } from 'pino';
import { AssetCleared } from '../../../events/catalog/asset-events';
import { isEvent } from '../../../events/catalog/stored';
import type { StoredEvent } from '../../../events/envelope';
import { handleCommand, loadState } from '../../../events/handle-command';
import type { EventStore } from '../../../events/store/event-store';
import { NotFoundError, StateError } from '../../../lib/errors';
import { uuidv7 } from '../../../lib/ids';
import { assetMatchDecider } from './domain/asset-match';
import { factsOf, matches } from './domain/match';
import type { SubscriptionRule } from './domain/rule';
import { subscriptionDecider } from './domain/subscription';
import type { CommandMeta } from './commands';
import type { SubscriptionQueries } from './read-model/queries';

export interface SubscriptionMatcherDeps {
  store: EventStore;
  queries: Pick<SubscriptionQueries, 'enabled' | 'clearedSince' | 'clearedUnderSubscriptions'>;
  logger: Logger;
  clock?: () => Date;
}

interface Subscription {
  id: string;
  rule: SubscriptionRule;
}

/** How a match is recorded: by the service as an asset clears, or by an admin's backfill. */
interface Cause {
  actor: string;
  causationId: string;
  backfill?: boolean;
}

const BACKFILL_PAGE = 200;

/**
 * The subscriptions' process manager. When an asset is cleared (a pool asset
 * or a targeted one), every enabled subscription whose rule takes it records
 * `SubscriptionMatched` on the asset's stream, appended against the asset's
 * version; the transfer service answers that event with a transfer whose id
 * is the asset's and network's, so an asset bound there already (a target
 * of its drop, an earlier match) is not sent twice. The store service asks
 * for transfers only through that event: it never imports the transfer service.
 */
export function createSubscriptionMatcher(deps: SubscriptionMatcherDeps) {
  const { store, logger } = deps;
  const clock = deps.clock ?? (() => new Date());

  /** Records each subscription that takes the asset; the number recorded now (0 for what was recorded before). */
  async function apply(assetId: string, subscriptions: readonly Subscription[], cause: Cause): Promise<number> {
    let recorded = 0;
    for (const sub of subscriptions) {
      for (;;) {
        const state = await loadState(store, `asset-${assetId}`, assetMatchDecider);
        if (state.status !== 'cleared' || state.matchedBy.includes(sub.id)) break;
        if (!matches(sub.rule, factsOf(state))) break;
        try {
          const result = await handleCommand(
            store,
            `asset-${assetId}`,
            assetMatchDecider,
            {
              type: 'RecordMatch',
              subscriptionId: sub.id,
              rule: sub.rule,
              ...(cause.backfill ? { backfill: true } : {}),
            },
            {
              actor: cause.actor,
              now: clock().toISOString(),
              newId: () => uuidv7(clock().getTime()),
              causationId: cause.causationId,
            },
            { state },
          );
          // Another writer appended to the asset first: look again.
          if (result.conflict) continue;
          if (result.events.length > 0) {
            recorded += 1;
            logger.info(
              { assetId, subscriptionId: sub.id, network: sub.rule.network, correlationId: state.correlationId },
              `subscription matched: to ${sub.rule.network}`,
            );
          }
        } catch (err) {
          // Deleted or released between the read and the decision: nothing to send.
          if (!(err instanceof StateError)) throw err;
        }
        break;
      }
    }
    return recorded;
  }

  return {
    apply,
    /** Backbone handler: an asset cleared is matched against the enabled subscriptions. */
    async handle(event: StoredEvent): Promise<void> {
      if (!isEvent(AssetCleared, event)) return;
      const subscriptions = await deps.queries.enabled();
      if (subscriptions.length === 0) return;
      await apply(event.data.assetId, subscriptions, { actor: 'service:subscriptions', causationId: event.id });
    },

    /**
     * Matches again the assets cleared in the last `windowMs` against the
     * subscriptions enabled before each was cleared: the embedded backbone
     * keeps no offsets, so an AssetCleared a crash cut off is found here.
     * Idempotent (a subscription records an asset once); rules made after an
     * asset's clearance reach it only by a backfill, as without a crash.
     */
    async sweep(windowMs: number): Promise<number> {
      const subscriptions = await deps.queries.enabled();
      if (subscriptions.length === 0) return 0;
      const since = new Date(clock().getTime() - windowMs).toISOString();
      let recorded = 0;
      for (const asset of await deps.queries.clearedUnderSubscriptions(since)) {
        const before = subscriptions.filter((s) => s.createdAt <= asset.clearedAt);
        recorded += await apply(asset.assetId, before, { actor: 'service:subscriptions', causationId: asset.assetId });
      }
      return recorded;
    },

    /**
     * Applies one subscription to the assets cleared since `since` (the
     * cleared-assets read model, oldest first). Idempotent: an asset the
     * subscription took already is counted as examined, not matched again.
     */
    async backfill(
      subscriptionId: string,
      since: string,
      meta: CommandMeta,
    ): Promise<{ examined: number; matched: number }> {
      const sub = await loadState(store, `subscription-${subscriptionId}`, subscriptionDecider);
      if (sub.status === 'none') throw new NotFoundError(`subscription ${subscriptionId} does not exist`);
      if (sub.status === 'removed' || !sub.rule) throw new StateError(`subscription ${subscriptionId} was removed`);
      if (!sub.enabled) {
        throw new StateError(`subscription ${subscriptionId} is disabled: enable it (PATCH enabled: true) to backfill`);
      }
      const target = [{ id: subscriptionId, rule: sub.rule }];
      const cause = { actor: meta.actor, causationId: meta.causationId ?? meta.correlationId, backfill: true };
      let examined = 0;
      let matched = 0;
      let after: { clearedAt: string; assetId: string } | undefined;
      for (;;) {
        const page = await deps.queries.clearedSince(since, after, BACKFILL_PAGE);
        for (const asset of page) matched += await apply(asset.assetId, target, cause);
        examined += page.length;
        if (page.length < BACKFILL_PAGE) break;
        after = page.at(-1);
      }
      logger.info({ subscriptionId, since, examined, matched }, 'subscription backfill done');
      return { examined, matched };
    },
  };
}

export type SubscriptionMatcher = ReturnType<typeof createSubscriptionMatcher>;
