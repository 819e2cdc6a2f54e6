import type { Sql } from '../../lib/db/sql';
import { isoText as iso, keysetPage, sqlParams, type KeysetPageQuery, type Paged } from '../../lib/keyset-cursor';
import type { Role } from '../gateway/auth';
import type { UserState } from './domain/user';

/** A user as the API shows it (`UserJson` of the session contract). */
export interface UserJson {
  id: string;
  username: string;
  role: Role;
  network?: string;
  networks?: string[];
  canDownload: boolean;
  canModify: boolean;
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string;
  /** The stream version, for If-Match. */
  version: number;
}

export interface UserRow {
  user_id: string;
  username: string;
  role: Role;
  network: string | null;
  networks: string | null;
  can_download: boolean;
  can_modify: boolean;
  disabled: boolean;
  created_at: string;
  last_login_at: string | null;
  version: number;
}

const COLUMNS = `user_id, username, role, network, networks, can_download, can_modify, disabled,
  ${iso('created_at')} as created_at, ${iso('last_login_at')} as last_login_at, version`;

function toJson(r: UserRow): UserJson {
  return {
    id: r.user_id,
    username: r.username,
    role: r.role,
    ...(r.network ? { network: r.network } : {}),
    ...(r.networks ? { networks: JSON.parse(r.networks) as string[] } : {}),
    canDownload: r.can_download,
    canModify: r.can_modify,
    disabled: r.disabled,
    createdAt: r.created_at,
    ...(r.last_login_at ? { lastLoginAt: r.last_login_at } : {}),
    version: Number(r.version),
  };
}

/** The users table and the credentials table (see the migration for why they are apart from the log). */
export function createUserRepository(sql: Sql) {
  return {
    async byId(userId: string, db: Sql = sql): Promise<UserJson | undefined> {
      const [row] = await db.query<UserRow>(`select ${COLUMNS} from users where user_id = $1`, [userId]);
      return row && toJson(row);
    },
    async byUsername(username: string, db: Sql = sql): Promise<UserJson | undefined> {
      const [row] = await db.query<UserRow>(`select ${COLUMNS} from users where username = $1`, [username]);
      return row && toJson(row);
    },
    async list(query: KeysetPageQuery): Promise<Paged<UserJson>> {
      const page = await keysetPage<UserRow>(
        sql,
        { table: 'users', columns: COLUMNS, idColumn: 'user_id', where: [], params: sqlParams() },
        query,
      );
      return { items: page.items.map(toJson), next: page.next };
    },
    /** Writes the folded state: called in the transaction after the append. */
    async save(state: UserState, db: Sql = sql): Promise<void> {
      await db.query(
        `insert into users (user_id, username, role, network, networks, can_download, can_modify, disabled,
                            created_at, last_login_at, version)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (user_id) do update set role = excluded.role, network = excluded.network,
           networks = excluded.networks, can_download = excluded.can_download, can_modify = excluded.can_modify,
           disabled = excluded.disabled, last_login_at = excluded.last_login_at, version = excluded.version`,
        [
          state.userId,
          state.username,
          state.role,
          state.network ?? null,
          state.networks ? JSON.stringify(state.networks) : null,
          state.canDownload,
          state.canModify,
          state.status === 'disabled',
          state.createdAt,
          state.lastLoginAt ?? null,
          state.version,
        ],
      );
    },
    async passwordHash(userId: string): Promise<string | undefined> {
      const [row] = await sql.query<{ password_hash: string }>(
        'select password_hash from user_credentials where user_id = $1',
        [userId],
      );
      return row?.password_hash;
    },
    async setPasswordHash(userId: string, hash: string, at: string, db: Sql = sql): Promise<void> {
      await db.query(
        `insert into user_credentials (user_id, password_hash, changed_at) values ($1, $2, $3)
         on conflict (user_id) do update set password_hash = excluded.password_hash, changed_at = excluded.changed_at`,
        [userId, hash, at],
      );
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
