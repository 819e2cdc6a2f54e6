import { createHash } from 'node:crypto';
import type { Sql } from '../../lib/db/sql';
import type { Principal } from '../gateway/auth';
import type { UserAuth } from '../gateway/deps';
import { narrowRights, principalRights } from './domain/user-rights';
import type { UserRow } from './repository';
import { createSessionStore, type SessionConfig } from './session-store';

/** What the guard needs of a user's row: who, and the rights. */
type Row = Pick<UserRow, 'user_id' | 'username' | 'role' | 'network' | 'networks' | 'can_download' | 'can_modify'>;

function principalOf(r: Row): Principal {
  const rights = principalRights({
    role: r.role,
    ...(r.network ? { network: r.network } : {}),
    ...(r.networks ? { networks: JSON.parse(r.networks) as string[] } : {}),
    canDownload: r.can_download,
    canModify: r.can_modify,
  });
  return { name: r.username, role: r.role, ...(r.network ? { network: r.network } : {}), rights, userId: r.user_id };
}

/**
 * The guard's view of users. Each check is one indexed statement, run on
 * every request, so a role change, a disable or a revoke holds from the
 * caller's next request without any cache to invalidate.
 */
export function createUserAuth(
  sql: Sql,
  options: { sessionSecret: string; session: SessionConfig; clock?: () => Date },
): UserAuth {
  const clock = options.clock ?? (() => new Date());
  return {
    sessionSecret: options.sessionSecret,
    sessionStore: createSessionStore(sql, options.session, clock),
    sessionMaxAgeMs: options.session.absoluteHours * 3_600_000,
    async userPrincipal(userId) {
      const [row] = await sql.query<Row>(
        `select user_id, username, role, network, networks, can_download, can_modify
           from users where user_id = $1 and not disabled`,
        [userId],
      );
      return row && { ...principalOf(row), via: 'session' };
    },
    async tokenPrincipal(token) {
      const sha256 = createHash('sha256').update(token, 'utf8').digest('hex');
      const [row] = await sql.query<Row & { t_networks: string | null; t_download: boolean; t_modify: boolean }>(
        `select u.user_id, u.username, u.role, u.network, u.networks, u.can_download, u.can_modify,
                t.networks as t_networks, t.can_download as t_download, t.can_modify as t_modify
           from user_tokens t join users u using (user_id)
          where t.sha256 = $1 and t.revoked_at is null and t.expires_at > $2 and not u.disabled`,
        [sha256, clock().toISOString()],
      );
      if (!row) return undefined;
      const owner = principalOf(row);
      const rights = narrowRights(owner.rights, {
        ...(row.t_networks ? { networks: JSON.parse(row.t_networks) as string[] } : {}),
        canDownload: row.t_download,
        canModify: row.t_modify,
      });
      return { ...owner, rights, via: 'personal-token' };
    },
  };
}
