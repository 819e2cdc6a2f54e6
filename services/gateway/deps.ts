import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Sql } from '../../lib/db/sql';
import type { EventStore } from '../../events/store/event-store';
import type { SessionStore } from '@fastify/session';
import type { AuthConfig, Principal } from './auth';

/** One readiness check's outcome; `detail` says what is wrong (or what was seen). */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

/** What `/health/ready` reports: ready only when every check is ok. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/** Source of readiness; `createReadiness` in ./readiness builds the usual one. */
export interface HealthSource {
  /** Must not throw for a failing dependency: report it as a failed check instead. */
  ready(): Promise<Readiness>;
}

/**
 * Everything the gateway needs from the composition root. The gateway owns
 * none of it: closing the store, the Sql and the logger is the caller's job.
 */
export interface GatewayDeps {
  store: EventStore;
  sql: Sql;
  /** Request log lines are children of this logger, each with a `correlationId`. */
  logger: Logger;
  /** `/metrics` serves this registry; the gateway adds its HTTP histogram to it. */
  metrics: Registry;
  auth: AuthConfig;
  health: HealthSource;
  /** Users' sessions and personal tokens (services/users); absent, only configured bearer tokens are accepted. */
  users?: UserAuth;
}

/**
 * What the guard needs of users: it never reads their tables itself, so the
 * gateway stays free of any one service.
 */
export interface UserAuth {
  /** Signs the `mxhub_session` cookie: at least 32 characters. */
  sessionSecret: string;
  /** Where sessions live (the database, so they outlive a restart and are shared by hubs). */
  sessionStore: SessionStore;
  /** The cookie's life: the absolute session timeout. */
  sessionMaxAgeMs: number;
  /** A session user's principal read now (role and rights as they are now), or undefined when gone or disabled. */
  userPrincipal(userId: string): Promise<Principal | undefined>;
  /** A personal token's principal, or undefined when unknown, expired, revoked or its owner is disabled. */
  tokenPrincipal(token: string): Promise<Principal | undefined>;
}

/** Options every route plugin receives from `buildGateway`. */
export interface GatewayRouteOptions {
  deps: GatewayDeps;
}

/**
 * A plugin of `/v1` routes (assets, quarantine, transfers...). It is mounted
 * under `/v1` behind the bearer-token guard, so each of its routes must
 * declare `config: { roles: [...] }` or the gateway refuses to start. Its
 * handlers see requests typed from the route's TypeBox schemas.
 */
export type GatewayRoutes = FastifyPluginAsyncTypebox<GatewayRouteOptions>;
