import type { EventStore } from '../../events/store/event-store';
import type { Sql } from '../../lib/db/sql';
import type { GatewayRoutes } from '../gateway/deps';
import { createUsageCommands } from './commands';
import { createUsageQueries } from './read-model/queries';
import { createUsageReport } from './read-model/report-query';
import { pickRoutes } from './routes/picks';
import { usageRoutes } from './routes/usage';

export interface UsageServiceDeps {
  store: EventStore;
  sql: Sql;
  /** Configured network ids: a pick is sent to one of these. */
  networks: readonly string[];
  clock?: () => Date;
}

export interface UsageServiceOptions {
  /** How long `POST /v1/picks/{id}/send` waits for the store's answer before it answers 202 without it. @default 5000 */
  sendAnswerWaitMs?: number;
}

/**
 * Picks and usage marks (issue 14 item 5): commands, read model queries, the
 * usage report and their routes. It has no consumer of its own: the store
 * answers a pick's send (`PickSent`), and the usage projection turns fetches,
 * downloads and sends into marks.
 */
export function createUsageService(deps: UsageServiceDeps, options: UsageServiceOptions = {}) {
  const commands = createUsageCommands({ store: deps.store, ...(deps.clock ? { clock: deps.clock } : {}) });
  const queries = createUsageQueries(deps.sql);
  const report = createUsageReport(deps.sql);
  const routes: GatewayRoutes = async (app, opts) => {
    const { sendAnswerWaitMs } = options;
    const picks = { commands, queries, networks: deps.networks };
    await app.register(pickRoutes(sendAnswerWaitMs === undefined ? picks : { ...picks, sendAnswerWaitMs }), opts);
    await app.register(usageRoutes({ commands, queries, report }), opts);
  };
  return { commands, queries, report, routes };
}

export type UsageService = ReturnType<typeof createUsageService>;
