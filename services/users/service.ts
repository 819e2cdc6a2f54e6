import type { EventStore } from '../../events/store/event-store';
import type { Sql } from '../../lib/db/sql';
import type { GatewayRoutes } from '../gateway/deps';
import { createUserCommands } from './commands';
import { DEFAULT_LOCKOUT, type LockoutConfig } from './domain/lockout';
import { sessionRoutes } from './routes/session';
import { tokenRoutes } from './routes/tokens';
import { userRoutes } from './routes/users';
import { DEFAULT_SESSION, pruneSessions, type SessionConfig } from './session-store';
import { createUserAuth } from './user-auth';

export interface UsersServiceDeps {
  store: EventStore;
  sql: Sql;
  /** Signs session cookies: at least 32 characters. */
  sessionSecret: string;
  lockout?: LockoutConfig;
  session?: SessionConfig;
  clock?: () => Date;
}

/**
 * Users, sessions and personal tokens (issue 15 item 1): the commands (also
 * used by `mxhub users` straight on the store), the guard's `auth` port and
 * the `/v1/session`, `/v1/users` and `/v1/tokens` routes.
 */
export function createUsersService(deps: UsersServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const commands = createUserCommands({
    store: deps.store,
    sql: deps.sql,
    lockout: deps.lockout ?? DEFAULT_LOCKOUT,
    clock,
  });
  const auth = createUserAuth(deps.sql, {
    sessionSecret: deps.sessionSecret,
    session: deps.session ?? DEFAULT_SESSION,
    clock,
  });
  const routes: GatewayRoutes = async (app, opts) => {
    await app.register(sessionRoutes(commands), opts);
    await app.register(userRoutes(commands), opts);
    await app.register(tokenRoutes(commands, deps.sql), opts);
  };
  /**
   * Drops sessions that ran out, every `everyMs` (a session is only dropped
   * when asked for otherwise, and a browser closed for good never asks).
   */
  function sweepSessions(everyMs = 10 * 60_000, onError: (err: unknown) => void = () => undefined) {
    const sweep = () => pruneSessions(deps.sql, deps.session ?? DEFAULT_SESSION, clock()).catch(onError);
    const timer = setInterval(sweep, everyMs);
    timer.unref();
    return { sweep, stop: () => clearInterval(timer) };
  }
  return { commands, auth, routes, sweepSessions };
}

export type UsersService = ReturnType<typeof createUsersService>;
