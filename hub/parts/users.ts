import { createUsersService } from '../../services/users/service';
import type { HubConfig } from '../config';
import { sessionSecret } from '../session-secret';
import type { Storage } from '../storage';

export interface UsersPartDeps {
  config: HubConfig;
  storage: Storage;
}

/** Users, sessions and personal tokens (issue 15 item 1): the guard's user port and the session, user and token routes. */
export function openUsersPart(deps: UsersPartDeps) {
  const { config } = deps;
  return createUsersService({
    store: deps.storage.store,
    sql: deps.storage.sql,
    sessionSecret: sessionSecret(config.dataDir, config.users.sessionSecret),
    lockout: config.users.lockout,
    session: config.users.session,
  });
}

export type UsersPart = ReturnType<typeof openUsersPart>;
