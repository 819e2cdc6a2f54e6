import { existsSync } from 'node:fs';
import type { Sql } from '../../lib/db/sql';
import { ValidationError } from '../../lib/errors';
import type { Relay } from '../../events/backbone/relay';
import { parseAnchors, readAnchors } from '../../events/integrity/anchors';
import type { SigningKey } from '../../events/integrity/keys';
import { verifyLog } from '../../events/integrity/verify';
import type { Projection, ProjectionRunner } from '../../events/projections';
import { replayAndCompare } from '../../events/projections/replay';
import type { EventStore } from '../../events/store/event-store';
import type { GatewayRoutes } from '../gateway/deps';
import { ADMINS, AUDITORS, READERS } from '../gateway/schemas';
import { readStatus } from './status';

export interface AuditRouteDeps {
  sql: Sql;
  store: EventStore;
  key: SigningKey;
  runner: ProjectionRunner;
  projections: Projection[];
  relay: Relay;
  /** The hub's own anchors file, which verify holds the database to unless the caller sends other anchors. */
  checkpoints: { exportFile: string; intervalMs: number };
}

/** Room for the anchors an auditor sends (about 350 bytes each: some 190 000 checkpoints). */
export const VERIFY_BODY_LIMIT = 64 * 1024 * 1024;

/** The anchors to compare with: those sent (the text of an anchors file), else the hub's own file when it exists. */
function anchorsFor(body: unknown, exportFile: string) {
  const sent = (body as { anchors?: unknown } | undefined)?.anchors;
  if (sent === undefined) return existsSync(exportFile) ? readAnchors(exportFile) : undefined;
  if (typeof sent !== 'string') throw new ValidationError('"anchors" must be the text of an anchors file (JSON lines)');
  return parseAnchors(sent, 'the anchors sent');
}

/**
 * Operations an auditor or admin runs against the live hub. The CLI uses
 * them when the hub holds the embedded database, which no second process
 * may open.
 */
export function createAuditRoutes(deps: AuditRouteDeps): GatewayRoutes {
  return async (app) => {
    app.get('/status', { config: { roles: READERS } }, async () =>
      readStatus({ sql: deps.sql, store: deps.store, projections: deps.runner, relay: deps.relay }),
    );
    app.post('/log/verify', { config: { roles: AUDITORS }, bodyLimit: VERIFY_BODY_LIMIT }, async (request) => {
      const report = await verifyLog(deps.sql, deps.key, {
        anchors: anchorsFor(request.body, deps.checkpoints.exportFile),
        intervalMs: deps.checkpoints.intervalMs,
      });
      request.log.info(
        { ok: report.ok, events: report.events, anchors: report.anchors, firstProblem: report.firstProblem },
        'log verified',
      );
      return report;
    });
    app.post('/log/replay', { config: { roles: ADMINS } }, async (request) => {
      const report = await replayAndCompare({ sql: deps.sql, store: deps.store, projections: deps.projections });
      request.log.info({ equal: report.equal, events: report.events }, 'read models replayed');
      return report;
    });
  };
}
