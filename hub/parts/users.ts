import { createUsersService } from '../../services/users/service';
import type { Logger } from 'pino';
import type { HubConfig } from '../config';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { sessionSecret } from '../session-secret';
import type { Storage } from '../storage';

export interface UsersPartDeps {
  config: HubConfig;
  storage: Storage;
  logger: Logger;
}

/** Users, sessions and personal tokens (issue 15 item 1): the guard's user port and the session, user and token routes. */
export function openUsersPart(deps: UsersPartDeps, stack: CleanupStack) {
  const { config } = deps;
  const service = createUsersService({
    store: deps.storage.store,
    sql: deps.storage.sql,
    sessionSecret: sessionSecret(config.dataDir, config.users.sessionSecret),
    lockout: config.users.lockout,
    session: config.users.session,
  });
  const sweeper = service.sweepSessions(10 * 60_000, (err) =>
    deps.logger.warn({ err, component: 'users' }, 'expired sessions not swept'),
  );
  stack.defer('session sweeper', () => sweeper.stop());
  return {
    ...service,
    /** Heals rows a crash left behind their streams before the first request is served. */
    async start(): Promise<void> {
      const users = await service.commands.reconcile();
      deps.logger.debug({ component: 'users', users }, 'users table reconciled with the log');
    },
  };
}

export type UsersPart = ReturnType<typeof openUsersPart>;
