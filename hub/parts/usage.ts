import { createUsageService } from '../../services/usage/service';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface UsagePartDeps {
  config: HubConfig;
  storage: Storage;
}

/**
 * Picks and usage marks (issue 14 item 5): routes over the usage read model
 * and the pick streams. Nothing runs in the background here; the store part
 * answers the sends.
 */
export function openUsagePart(deps: UsagePartDeps) {
  const service = createUsageService({
    store: deps.storage.store,
    sql: deps.storage.sql,
    networks: deps.config.networks.map((n) => n.id),
  });
  return { service, routes: service.routes };
}

export type UsagePart = ReturnType<typeof openUsagePart>;
