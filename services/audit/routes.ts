import type { FastifyPluginAsync } from 'fastify';
import type { Sql } from '../../lib/db/sql';
import type { Relay } from '../../events/backbone/relay';
import type { SigningKey } from '../../events/integrity/keys';
import { verifyLog } from '../../events/integrity/verify';
import type { Projection, ProjectionRunner } from '../../events/projections';
import { replayAndCompare } from '../../events/projections/replay';
import type { EventStore } from '../../events/store/event-store';
import { readStatus } from './status';

export interface AuditRouteDeps {
  sql: Sql;
  store: EventStore;
  key: SigningKey;
  runner: ProjectionRunner;
  projections: Projection[];
  relay: Relay;
}

/**
 * Operations an auditor or admin runs against the live hub. The CLI uses
 * them when the hub holds the embedded database, which no second process
 * may open.
 */
export function createAuditRoutes(deps: AuditRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/status', { config: { roles: ['admin', 'operator', 'auditor', 'viewer'] } }, async () =>
      readStatus({ sql: deps.sql, store: deps.store, projections: deps.runner, relay: deps.relay }),
    );
    app.post('/log/verify', { config: { roles: ['admin', 'auditor'] } }, async (request) => {
      const report = await verifyLog(deps.sql, deps.key);
      request.log.info({ ok: report.ok, events: report.events, firstProblem: report.firstProblem }, 'log verified');
      return report;
    });
    app.post('/log/replay', { config: { roles: ['admin'] } }, async (request) => {
      const report = await replayAndCompare({ sql: deps.sql, store: deps.store, projections: deps.projections });
      request.log.info({ equal: report.equal, events: report.events }, 'read models replayed');
      return report;
    });
  };
}
