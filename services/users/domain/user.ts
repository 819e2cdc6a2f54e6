import { isUserEvent, type UserEvent } from '../../../events/catalog/user-events';
import type { Stored } from '../../../events/catalog/stored';
import type { Decider, StreamState } from '../../../events/decider';
import { NotFoundError, StateError } from '../../../lib/errors';
import type { UserRights } from './user-rights';

export interface UserToken {
  tokenId: string;
  name: string;
  expiresAt: string;
  revoked: boolean;
}

export interface UserState extends StreamState, Partial<UserRights> {
  status: 'none' | 'active' | 'disabled';
  userId: string;
  username: string;
  createdAt: string;
  lastLoginAt?: string;
  tokens: UserToken[];
}

export type UserCommand =
  | ({ type: 'Create'; userId: string; username: string } & UserRights)
  | ({ type: 'Change' } & UserRights)
  | { type: 'Disable' }
  | { type: 'Enable' }
  | { type: 'ChangePassword' }
  | { type: 'LogIn'; address?: string }
  | { type: 'FailLogin'; reason: 'wrong-password' | 'disabled' | 'locked'; address?: string }
  | { type: 'LockOut'; until: string }
  | { type: 'LogOut' }
  | {
      type: 'IssueToken';
      tokenId: string;
      name: string;
      expiresAt: string;
      networks?: string[];
      canDownload: boolean;
      canModify: boolean;
    }
  | { type: 'RevokeToken'; tokenId: string };

const initialState = (): UserState => ({
  status: 'none',
  version: 0,
  correlationId: '',
  lastEventId: '',
  userId: '',
  username: '',
  createdAt: '',
  tokens: [],
});

function rightsOf(d: UserRights): UserRights {
  return {
    role: d.role,
    ...(d.network ? { network: d.network } : {}),
    ...(d.networks ? { networks: d.networks } : {}),
    canDownload: d.canDownload,
    canModify: d.canModify,
  };
}

function evolve(state: UserState, event: Stored<UserEvent>): UserState {
  const next: UserState = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'UserCreated': {
      const { userId, username, ...rights } = event.data;
      return {
        ...next,
        ...rightsOf(rights as UserRights),
        status: 'active',
        userId,
        username,
        createdAt: event.metadata.occurredAt,
        correlationId: event.metadata.correlationId,
      };
    }
    case 'UserChanged': {
      const { network: _n, networks: _ns, ...rest } = next;
      return { ...rest, ...rightsOf(event.data as UserRights) };
    }
    case 'UserDisabled':
      return { ...next, status: 'disabled' };
    case 'UserEnabled':
      return { ...next, status: 'active' };
    case 'UserLoggedIn':
      return { ...next, lastLoginAt: event.metadata.occurredAt };
    case 'TokenIssued': {
      const { tokenId, name, expiresAt } = event.data;
      return { ...next, tokens: [...state.tokens, { tokenId, name, expiresAt, revoked: false }] };
    }
    case 'TokenRevoked':
      return {
        ...next,
        tokens: state.tokens.map((t) => (t.tokenId === event.data.tokenId ? { ...t, revoked: true } : t)),
      };
    default:
      return next;
  }
}

function sameRights(state: UserState, r: UserRights): boolean {
  return JSON.stringify(rightsOf(state as UserRights)) === JSON.stringify(rightsOf(r));
}

/**
 * Commands are idempotent where asking twice means the same (create with
 * the same id, disable a disabled user, revoke a revoked token): nothing is
 * recorded the second time, so a retried request does not double the log.
 */
function decide(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'Create') {
    if (state.status !== 'none') {
      if (state.username === command.username) return [];
      throw new StateError(`user ${command.userId} exists already (as ${state.username})`);
    }
    const { type: _t, userId, username, ...rights } = command;
    return [{ type: 'UserCreated', data: { userId, username, ...rightsOf(rights) } }];
  }
  if (state.status === 'none') throw new NotFoundError('user not found');
  const userId = state.userId;
  switch (command.type) {
    case 'Change': {
      const { type: _t, ...rights } = command;
      return sameRights(state, rights) ? [] : [{ type: 'UserChanged', data: { userId, ...rightsOf(rights) } }];
    }
    case 'Disable':
      return state.status === 'disabled' ? [] : [{ type: 'UserDisabled', data: { userId } }];
    case 'Enable':
      return state.status === 'active' ? [] : [{ type: 'UserEnabled', data: { userId } }];
    case 'ChangePassword':
      return [{ type: 'PasswordChanged', data: { userId } }];
    case 'LogIn':
      if (state.status === 'disabled') throw new StateError(`user ${state.username} is disabled`);
      return [{ type: 'UserLoggedIn', data: { userId, ...(command.address ? { address: command.address } : {}) } }];
    case 'FailLogin':
      return [
        {
          type: 'LoginFailed',
          data: {
            userId,
            username: state.username,
            reason: command.reason,
            ...(command.address ? { address: command.address } : {}),
          },
        },
      ];
    case 'LockOut':
      return [{ type: 'UserLockedOut', data: { userId, username: state.username, until: command.until } }];
    case 'LogOut':
      return [{ type: 'UserLoggedOut', data: { userId } }];
    case 'IssueToken': {
      if (state.status === 'disabled') throw new StateError(`user ${state.username} is disabled`);
      if (state.tokens.some((t) => t.tokenId === command.tokenId)) return [];
      const { type: _t, networks, ...rest } = command;
      return [{ type: 'TokenIssued', data: { userId, ...rest, ...(networks ? { networks } : {}) } }];
    }
    case 'RevokeToken': {
      const token = state.tokens.find((t) => t.tokenId === command.tokenId);
      if (!token) throw new NotFoundError(`token ${command.tokenId} not found`);
      return token.revoked ? [] : [{ type: 'TokenRevoked', data: { userId, tokenId: command.tokenId } }];
    }
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState,
  evolve,
  decide,
  isEvent: isUserEvent,
};

/** The stream of a user. */
export const userStream = (userId: string): string => `user-${userId}`;
