import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { createStreamAssetNetworks } from './adapters/stream-asset-networks';
import type { GatewayDeps, GatewayRoutes } from './deps';
import { authGuard, type RouteEntry } from './plugins/auth-guard';
import { correlation, correlationIdOf } from './plugins/correlation';
import { errorHandler } from './plugins/error-handler';
import { createLiveFeed, type LiveProgress } from './live/live-feed';
import { consolePages } from './plugins/console';
import { httpMetrics } from './plugins/http-metrics';
import { openapi } from './plugins/openapi';
import { securityHeaders } from './plugins/security-headers';
import type { AssetNetworks } from './rights';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { createLiveRoutes } from './routes/live';
import { metricsRoute } from './routes/metrics';
import { streamRoutes } from './routes/streams';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route behind the auth guard with its roles (filled as plugins load; complete after `ready()`). */
    readonly gatewayRoutes: readonly RouteEntry[];
  }
}

export interface GatewayOptions {
  /**
   * More `/v1` route plugins (assets, quarantine, transfers). Each is mounted
   * under `/v1` behind the bearer-token guard and receives `{ deps }`.
   * @default []
   */
  routes?: GatewayRoutes[];
  /** API version in the OpenAPI document. @default '1' */
  apiVersion?: string;
  /** Largest request body in bytes. @default 1048576 */
  bodyLimit?: number;
  /**
   * Where an asset is, for `assertAssetVisible` in every route (`app.assetNetworks`).
   * @default reads the asset's stream (`createStreamAssetNetworks`)
   */
  assetNetworks?: AssetNetworks;
  /** The built console served at `/` (see plugins/console.ts); absent serves no console. */
  consoleRoot?: string;
  /** The running copies' progress pushed by `GET /v1/stream`; absent pushes none. */
  liveProgress?: LiveProgress;
  /**
   * Resolves once the read models hold the event at `position`: the live
   * stream tells a console of an event only then, so the reads it makes on
   * hearing of it see the change. Absent tells at once.
   */
  readModelsAt?: (position: bigint) => Promise<void>;
}

/**
 * Builds the HTTP gateway without listening: `server.ts`-style callers call
 * `listen`, tests call `inject`. Registration errors (a route that declares
 * no roles, a bad auth config) surface from `ready()`, `listen()` or the
 * first `inject()`.
 *
 * Layout: cross-cutting plugins on the root (errors, correlation, metrics,
 * OpenAPI), then one guarded context holding the health and metrics routes
 * and everything under `/v1`. The docs UI sits outside the guard.
 */
/**
 * Request lines at `debug`: at `info` a browsing client or a polling script
 * would drown the lines that say what happened to files. Errors stay `error`.
 */
class QuietRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export function buildGateway(deps: GatewayDeps, options: GatewayOptions = {}) {
  const routeTable: RouteEntry[] = [];
  const app = Fastify({
    loggerInstance: deps.logger,
    // The request id is the correlation id: fastify's per-request child
    // logger then stamps it on every log line of the request.
    genReqId: correlationIdOf,
    logController: new QuietRequestLog({ requestIdLogLabel: 'correlationId' }),
    bodyLimit: options.bodyLimit ?? 1048576,
    ajv: {
      // Refuse unknown fields instead of silently dropping them (a typo in a
      // filter must not widen a query); `verbose` lets the error handler list
      // the accepted fields.
      customOptions: { removeAdditional: false, verbose: true },
    },
  });
  app.decorate('gatewayRoutes', routeTable);
  const assetNetworks = options.assetNetworks ?? createStreamAssetNetworks(deps.store);
  app.decorate('assetNetworks', assetNetworks);
  const live = createLiveFeed({
    store: deps.store,
    assetNetworks,
    progress: options.liveProgress,
    ...(options.readModelsAt ? { readModelsAt: options.readModelsAt } : {}),
    logger: deps.logger,
  });
  // Open event streams would hold the server's close until their clients
  // leave: end them first.
  app.addHook('preClose', () => live.close());

  app.register(errorHandler);
  app.register(correlation);
  app.register(httpMetrics, { registry: deps.metrics });
  app.register(securityHeaders);
  app.register(openapi, { version: options.apiVersion ?? '1' });
  const consoleRoot = options.consoleRoot;
  if (consoleRoot) app.register(consolePages, { root: consoleRoot });

  app.register(async function guarded(api) {
    await api.register(authGuard, { auth: deps.auth, registry: routeTable, users: deps.users });
    await api.register(healthRoutes, { health: deps.health });
    await api.register(metricsRoute, { registry: deps.metrics });
    await api.register(
      async function v1(scope) {
        for (const routes of [eventRoutes, streamRoutes, createLiveRoutes(live), ...(options.routes ?? [])]) {
          await scope.register(routes, { deps });
        }
      },
      { prefix: '/v1' },
    );
  });
  return app;
}

/** The gateway instance type (fastify typed with the hub's pino logger). */
export type Gateway = ReturnType<typeof buildGateway>;
