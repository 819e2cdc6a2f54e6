import { createHash, randomBytes } from 'node:crypto';
import { fold } from '../../events/decider';
import { handleCommand, commandContext, type CommandMeta } from '../../events/handle-command';
import type { EventStore } from '../../events/store/event-store';
import { stamp } from '../../events/stamp';
import type { Sql } from '../../lib/db/sql';
import { AuthError, NotFoundError, StateError, ValidationError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import type { UserEvent } from '../../events/catalog/user-events';
import { userDecider, userStream, type UserCommand, type UserState } from './domain/user';
import { DEFAULT_LOCKOUT, type LockoutConfig } from './domain/lockout';
import { userRights, type RightsInput } from './domain/user-rights';
import { addressKey, createLoginFailures, LockedOutError, sha16, usernameKey } from './login-failures';
import { checkPassword, hashPassword, verifyPassword } from './passwords';
import { createUserRepository, type UserJson } from './repository';

export const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface UserCommandsDeps {
  store: EventStore;
  sql: Sql;
  lockout?: LockoutConfig;
  clock?: () => Date;
}

export interface CreateUserInput extends RightsInput {
  username: string;
  password: string;
}

export interface UpdateUserInput extends Partial<RightsInput> {
  disabled?: boolean;
  password?: string;
}

/** The one answer to every refused login: it does not say which of username, password or account was wrong. */
export const BAD_LOGIN = 'username or password is wrong, or the account is disabled';

export function createUserCommands(deps: UserCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());
  const repo = createUserRepository(deps.sql);
  const lockout = deps.lockout ?? DEFAULT_LOCKOUT;
  const failures = createLoginFailures(deps.sql, lockout);

  /**
   * Runs a command on `user-<id>` and writes the folded state to `users`.
   * The write follows the append (the event store commits on its own); the
   * state written is the whole folded aggregate, so a retry repairs it.
   */
  async function run(userId: string, command: UserCommand, meta: CommandMeta, expectedVersion?: number) {
    const result = await handleCommand(
      deps.store,
      userStream(userId),
      userDecider,
      command,
      // A caller with no cause of its own (the CLI) is caused by its own journey, as a request is.
      commandContext({ ...meta, causationId: meta.causationId ?? meta.correlationId }, clock),
      {
        ...(command.type === 'Create' ? {} : { mustExist: `user ${userId}` }),
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      },
    );
    if (result.conflict) throw result.error;
    if (result.events.length > 0) await repo.save(result.after);
    return result.after;
  }

  async function mustGet(userId: string): Promise<UserJson> {
    const user = await repo.byId(userId);
    if (!user) throw new NotFoundError(`user ${userId} not found`);
    return user;
  }

  return {
    repo,
    /**
     * Rewrites `users` from the log: every `user-` stream folded and saved.
     * `run` writes the row after the append, so a crash between the two
     * leaves the row behind its stream (a disable not yet in force); the hub
     * runs this at start. Returns how many users it wrote.
     */
    async reconcile(): Promise<number> {
      const ids = new Set<string>();
      for (let after = 0n; ;) {
        const events = await deps.store.readAll({ category: 'user', types: ['UserCreated'], after, limit: 1000 });
        for (const e of events) ids.add(e.streamId);
        if (events.length < 1000) break;
        after = events[events.length - 1]!.position;
      }
      for (const id of ids) await repo.save(fold<UserState, UserEvent>(userDecider, await deps.store.readStream(id)));
      return ids.size;
    },
    async create(input: CreateUserInput, meta: CommandMeta): Promise<UserJson> {
      if (typeof input.username !== 'string' || !USERNAME.test(input.username)) {
        throw new ValidationError('username must be 1-64 characters of a-z 0-9 . _ - starting with a letter or digit', {
          field: 'username',
        });
      }
      checkPassword(input.password);
      const rights = userRights(input);
      if (await repo.byUsername(input.username)) {
        throw new StateError(`user ${input.username} exists already`, { field: 'username' });
      }
      const userId = uuidv7(clock().getTime());
      const hash = await hashPassword(input.password);
      const state = await run(userId, { type: 'Create', userId, username: input.username, ...rights }, meta);
      await repo.setPasswordHash(userId, hash, clock().toISOString());
      await run(userId, { type: 'ChangePassword' }, { ...meta, causationId: state.lastEventId });
      return mustGet(userId);
    },

    async update(userId: string, input: UpdateUserInput, meta: CommandMeta, expectedVersion?: number) {
      const current = await mustGet(userId);
      let version = expectedVersion;
      const rightsKeys = ['role', 'network', 'networks', 'canDownload', 'canModify'] as const;
      if (rightsKeys.some((k) => input[k] !== undefined)) {
        const role = input.role ?? current.role;
        const sameRole = role === current.role;
        // Keys left out keep their value, unless the role changes: then they take the new role's defaults.
        const rights = userRights({
          role,
          ...(input.network !== undefined
            ? { network: input.network }
            : sameRole && current.network
              ? { network: current.network }
              : {}),
          ...(input.networks !== undefined
            ? { networks: input.networks }
            : sameRole && current.networks
              ? { networks: current.networks }
              : {}),
          ...(input.canDownload !== undefined
            ? { canDownload: input.canDownload }
            : sameRole
              ? { canDownload: current.canDownload }
              : {}),
          ...(input.canModify !== undefined
            ? { canModify: input.canModify }
            : sameRole
              ? { canModify: current.canModify }
              : {}),
        });
        version = (await run(userId, { type: 'Change', ...rights }, meta, version)).version;
      }
      if (input.disabled !== undefined) {
        if (typeof input.disabled !== 'boolean')
          throw new ValidationError('disabled must be true or false', { field: 'disabled' });
        version = (await run(userId, { type: input.disabled ? 'Disable' : 'Enable' }, meta, version)).version;
        if (input.disabled) await deps.sql.query('delete from user_sessions where user_id = $1', [userId]);
      }
      if (input.password !== undefined) {
        const hash = await hashPassword(input.password);
        await repo.setPasswordHash(userId, hash, clock().toISOString());
        await run(userId, { type: 'ChangePassword' }, meta, version);
        // A new password ends the sessions opened with the old one.
        await deps.sql.query('delete from user_sessions where user_id = $1', [userId]);
      }
      return mustGet(userId);
    },

    /**
     * Checks a login. Every refusal answers the same AuthError after the same
     * work (one argon2id verify, against a dummy hash for an unknown user),
     * and is recorded: on the user's stream, or on `login-<sha16(username)>`
     * for a name that is no user (see LoginFailed).
     */
    async login(username: string, password: string, address: string, meta: CommandMeta): Promise<UserJson> {
      const now = clock();
      const name = typeof username === 'string' ? username.slice(0, 200) : '';
      const keys = [usernameKey(name), addressKey(address)];
      const lockedSeconds = await failures.lockedFor(keys, now);
      const user = USERNAME.test(name) ? await repo.byUsername(name) : undefined;
      const hash = user ? await repo.passwordHash(user.id) : undefined;
      const ok = await verifyPassword(hash, typeof password === 'string' ? password : '');
      // Nobody is authenticated yet: the events name the user tried, or `anonymous` for a name that is no user.
      meta = { ...meta, actor: user ? `user:${user.username}` : 'anonymous' };
      if (lockedSeconds > 0) {
        await recordFailure(user, name, 'locked', address, meta);
        throw new LockedOutError(lockedSeconds);
      }
      if (ok && user && !user.disabled) {
        await failures.clear(usernameKey(name));
        await run(user.id, { type: 'LogIn', address }, meta);
        return mustGet(user.id);
      }
      await recordFailure(
        user,
        name,
        user ? (user.disabled ? 'disabled' : 'wrong-password') : 'unknown-user',
        address,
        meta,
      );
      const locked = await failures.record(
        [
          { key: usernameKey(name), max: lockout.maxFailures },
          { key: addressKey(address), max: lockout.perAddressMaxFailures },
        ],
        now,
      );
      if (locked.includes(addressKey(address))) {
        const until = new Date(now.getTime() + lockout.lockSeconds * 1000).toISOString();
        await appendLoginEvent(addressKey(address), 'AddressLockedOut', { address, until }, meta);
      }
      if (locked.includes(usernameKey(name)) && user) {
        await run(
          user.id,
          { type: 'LockOut', until: new Date(now.getTime() + lockout.lockSeconds * 1000).toISOString() },
          meta,
        );
      }
      throw new AuthError(401, BAD_LOGIN);
    },

    async logout(userId: string, meta: CommandMeta): Promise<void> {
      await run(userId, { type: 'LogOut' }, meta);
    },

    async issueToken(
      userId: string,
      input: { name: string; expiresInDays?: number; networks?: string[]; canDownload?: boolean; canModify?: boolean },
      meta: CommandMeta,
    ) {
      if (typeof input.name !== 'string' || input.name.trim().length === 0 || input.name.length > 100) {
        throw new ValidationError('name must be 1-100 characters', { field: 'name' });
      }
      const days = input.expiresInDays ?? 90;
      if (!Number.isInteger(days) || days < 1 || days > 366) {
        throw new ValidationError('expiresInDays must be an integer from 1 to 366', { field: 'expiresInDays' });
      }
      const owner = await mustGet(userId);
      if (input.networks !== undefined && (!Array.isArray(input.networks) || input.networks.length === 0)) {
        throw new ValidationError('networks must name at least one network (leave it out for the owner’s)', {
          field: 'networks',
        });
      }
      if (input.networks && owner.networks && input.networks.some((n) => !owner.networks!.includes(n))) {
        throw new ValidationError(`networks may only narrow the owner's (${owner.networks.join(', ')})`, {
          field: 'networks',
        });
      }
      if (input.canDownload === true && !owner.canDownload) {
        throw new ValidationError('canDownload: the owner has no download right', { field: 'canDownload' });
      }
      if (input.canModify === true && !owner.canModify) {
        throw new ValidationError('canModify: the owner has no modify right', { field: 'canModify' });
      }
      const now = clock();
      const tokenId = uuidv7(now.getTime());
      // 32 random bytes, base64url: 256 bits, within RFC 6750's b64token characters. Prefixed so leaks are greppable.
      const token = `mxh_${randomBytes(32).toString('base64url')}`;
      const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString();
      const canDownload = input.canDownload ?? owner.canDownload;
      const canModify = input.canModify ?? owner.canModify;
      await run(
        userId,
        {
          type: 'IssueToken',
          tokenId,
          name: input.name.trim(),
          expiresAt,
          ...(input.networks ? { networks: input.networks } : {}),
          canDownload,
          canModify,
        },
        meta,
      );
      await deps.sql.query(
        `insert into user_tokens (token_id, user_id, name, sha256, networks, can_download, can_modify, created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          tokenId,
          userId,
          input.name.trim(),
          createHash('sha256').update(token, 'utf8').digest('hex'),
          input.networks ? JSON.stringify(input.networks) : null,
          canDownload,
          canModify,
          now.toISOString(),
          expiresAt,
        ],
      );
      return {
        id: tokenId,
        name: input.name.trim(),
        token,
        expiresAt,
        userId,
        networks: input.networks,
        canDownload,
        canModify,
      };
    },

    /** Revokes a token; `by` (unless admin) must own it, else it does not exist for them. */
    async revokeToken(tokenId: string, by: { userId?: string; admin: boolean }, meta: CommandMeta): Promise<void> {
      const [row] = await deps.sql.query<{ user_id: string }>('select user_id from user_tokens where token_id = $1', [
        tokenId,
      ]);
      if (!row || (!by.admin && row.user_id !== by.userId)) throw new NotFoundError(`token ${tokenId} not found`);
      await run(row.user_id, { type: 'RevokeToken', tokenId }, meta);
      await deps.sql.query('update user_tokens set revoked_at = coalesce(revoked_at, $2) where token_id = $1', [
        tokenId,
        clock().toISOString(),
      ]);
    },
  };

  /** A refused login on record: the user's stream, or `login-<sha16>` for a name that is no user. */
  async function recordFailure(
    user: UserJson | undefined,
    username: string,
    reason: 'unknown-user' | 'wrong-password' | 'disabled' | 'locked',
    address: string,
    meta: CommandMeta,
  ): Promise<void> {
    if (user && reason !== 'unknown-user') {
      await run(user.id, { type: 'FailLogin', reason, address }, meta);
      return;
    }
    await appendLoginEvent(username, 'LoginFailed', { username, reason, address }, meta);
  }

  /** An event of a login that belongs to no user: on `login-<sha16(key)>` (a name tried, or `addr:<address>`). */
  async function appendLoginEvent(
    key: string,
    type: 'LoginFailed' | 'AddressLockedOut',
    data: Record<string, unknown>,
    meta: CommandMeta,
  ): Promise<void> {
    const ctx = commandContext(meta, clock);
    const events = stamp([{ type, data }], {
      actor: ctx.actor,
      now: ctx.now,
      newId: ctx.newId,
      correlationId: meta.correlationId,
      causationId: meta.causationId ?? meta.correlationId,
    });
    // 'any': failures of one name (or address) from two hubs both belong on record, in either order.
    await deps.store.append(`login-${sha16(key)}`, events, 'any');
  }
}

export type UserCommands = ReturnType<typeof createUserCommands>;
export type { UserState };
