import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { createSubscriptionService } from '../../services/store/subscriptions/service';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface SubscriptionsPartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  catchUp: () => Promise<void>;
  logger: Logger;
}

/**
 * Subscriptions (issue 13 item 6): rules by which a network receives cleared
 * assets. Its consumer starts with the other services and stops before the
 * projections and the backbone it reads.
 */
export function openSubscriptionsPart(deps: SubscriptionsPartDeps, stack: CleanupStack) {
  const service = createSubscriptionService({
    store: deps.storage.store,
    sql: deps.storage.sql,
    backbone: deps.backbone,
    networks: deps.config.networks.map((n) => n.id),
    catchUp: deps.catchUp,
    logger: deps.logger.child({ component: 'subscriptions' }),
  });
  stack.defer('subscriptions', () => service.stop());
  return { service, routes: service.routes, start: () => service.start() };
}

export type SubscriptionsPart = ReturnType<typeof openSubscriptionsPart>;
