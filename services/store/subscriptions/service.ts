import type { Logger } from 'pino';
import type { Backbone, BackboneConsumer } from '../../../events/backbone/backbone';
import type { EventStore } from '../../../events/store/event-store';
import type { Sql } from '../../../lib/db/sql';
import type { GatewayRoutes } from '../../gateway/deps';
import { createSubscriptionCommands } from './commands';
import { createSubscriptionMatcher } from './process-manager';
import { createSubscriptionQueries } from './read-model/queries';
import { subscriptionRoutes } from './routes/subscriptions';

export interface SubscriptionServiceDeps {
  store: EventStore;
  sql: Sql;
  backbone: Backbone;
  /** Configured network ids. */
  networks: readonly string[];
  /** Brings the read models to the head (the sweep at start trusts them only then). */
  catchUp: () => Promise<void>;
  logger: Logger;
}

export interface SubscriptionServiceOptions {
  /** How far back the sweep at start looks for cleared assets a crash may have cut off. @default 86400000 (a day) */
  sweepWindowMs?: number;
}

/**
 * Subscriptions in one process: the commands and routes, and the backbone
 * consumer (group `mxhub.subscriptions`, asset streams) that matches each
 * cleared asset. Members of the group split the partitions, so any number of
 * hub processes match each asset once (and a redelivery records nothing new).
 */
export function createSubscriptionService(deps: SubscriptionServiceDeps, options: SubscriptionServiceOptions = {}) {
  const queries = createSubscriptionQueries(deps.sql);
  const commands = createSubscriptionCommands({ store: deps.store, networks: deps.networks });
  const matcher = createSubscriptionMatcher({ store: deps.store, queries, logger: deps.logger });
  const routes: GatewayRoutes = subscriptionRoutes({ queries, commands, matcher });
  let consumer: BackboneConsumer | undefined;
  return {
    queries,
    commands,
    matcher,
    routes,
    async start(): Promise<void> {
      consumer = await deps.backbone.consume({ groupId: 'mxhub.subscriptions', categories: ['asset'] }, (event) =>
        matcher.handle(event),
      );
      await deps.catchUp();
      const recorded = await matcher.sweep(options.sweepWindowMs ?? 86_400_000);
      if (recorded > 0) deps.logger.info({ recorded }, 'subscription matches re-derived from the read model');
    },
    async stop(): Promise<void> {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
