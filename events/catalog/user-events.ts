import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { NetworkId } from './common';
import { eventGuard } from './stored';

/**
 * Users of the console and the API (issue 15 item 1), on stream `user-<id>`.
 *
 * No event carries a password or its hash: the event log is published to
 * Kafka and kept for ever, so the argon2id hash lives only in the
 * `user_credentials` table, which a `PasswordChanged` event merely announces.
 * Personal token values are never in an event either, only their id and name.
 */
const UserId = Type.String({ minLength: 1, maxLength: 100 });
export const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'lowercase login name' });
const Rights = {
  role: Type.String({ enum: ['admin', 'operator', 'auditor', 'viewer', 'connector'] }),
  network: Type.Optional(NetworkId),
  networks: Type.Optional(Type.Array(NetworkId, { minItems: 1, maxItems: 100 })),
  canDownload: Type.Boolean(),
  canModify: Type.Boolean(),
};
const Address = Type.Optional(Type.String({ maxLength: 100, description: 'client address' }));

export const UserCreated = defineEvent(
  'UserCreated',
  Type.Object({ userId: UserId, username: Username, ...Rights }, { additionalProperties: false }),
  'An admin created a user with a role and rights (the password is set in the credentials table, never here).',
);
export const UserChanged = defineEvent(
  'UserChanged',
  Type.Object({ userId: UserId, ...Rights }, { additionalProperties: false }),
  'An admin changed a user’s role or rights; they take effect on the user’s next request.',
);
export const UserDisabled = defineEvent(
  'UserDisabled',
  Type.Object({ userId: UserId }, { additionalProperties: false }),
  'The user may no longer log in; its sessions and tokens stop working on the next request.',
);
export const UserEnabled = defineEvent(
  'UserEnabled',
  Type.Object({ userId: UserId }, { additionalProperties: false }),
  'A disabled user may log in again.',
);
export const PasswordChanged = defineEvent(
  'PasswordChanged',
  Type.Object({ userId: UserId }, { additionalProperties: false }),
  'The user’s password changed (the argon2id hash is in user_credentials, not in the log that goes to Kafka).',
);
export const UserLoggedIn = defineEvent(
  'UserLoggedIn',
  Type.Object({ userId: UserId, address: Address }, { additionalProperties: false }),
  'A session was opened.',
);
/**
 * A failed login. For a known user it is on `user-<id>`; for an unknown
 * username on `login-<first 16 hex of sha256(username)>`, so that guessing
 * is still on record while the stream id does not spell the guessed name
 * (which may be a mistyped password) and every guess of one name lands on one stream.
 */
export const LoginFailed = defineEvent(
  'LoginFailed',
  Type.Object(
    {
      userId: Type.Optional(UserId),
      username: Type.String({ maxLength: 200 }),
      reason: Type.String({ enum: ['unknown-user', 'wrong-password', 'disabled', 'locked'] }),
      address: Address,
    },
    { additionalProperties: false },
  ),
  'A login was refused (the caller is told only that it failed).',
);
export const UserLoggedOut = defineEvent(
  'UserLoggedOut',
  Type.Object({ userId: UserId }, { additionalProperties: false }),
  'A session was closed by the user.',
);
export const UserLockedOut = defineEvent(
  'UserLockedOut',
  Type.Object(
    {
      userId: Type.Optional(UserId),
      username: Type.String({ maxLength: 200 }),
      until: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
  'Too many failed logins: logins for the user are refused until `until`.',
);
export const AddressLockedOut = defineEvent(
  'AddressLockedOut',
  Type.Object(
    { address: Type.String({ maxLength: 100 }), until: Type.String({ format: 'date-time' }) },
    { additionalProperties: false },
  ),
  'Too many failed logins from one address (whatever the names tried): logins from it are refused until `until`. On stream `login-<sha16 of "addr:" and the address>`.',
);
export const TokenIssued = defineEvent(
  'TokenIssued',
  Type.Object(
    {
      userId: UserId,
      tokenId: Type.String({ minLength: 1, maxLength: 100 }),
      name: Type.String({ minLength: 1, maxLength: 100 }),
      expiresAt: Type.String({ format: 'date-time' }),
      networks: Type.Optional(Type.Array(NetworkId, { minItems: 1, maxItems: 100 })),
      canDownload: Type.Boolean(),
      canModify: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  'A personal API token was issued (its value is shown once and only its SHA-256 is stored).',
);
export const TokenRevoked = defineEvent(
  'TokenRevoked',
  Type.Object(
    { userId: UserId, tokenId: Type.String({ minLength: 1, maxLength: 100 }) },
    { additionalProperties: false },
  ),
  'A personal API token was revoked.',
);

export const userEvents = [
  UserCreated,
  UserChanged,
  UserDisabled,
  UserEnabled,
  PasswordChanged,
  UserLoggedIn,
  LoginFailed,
  UserLoggedOut,
  UserLockedOut,
  AddressLockedOut,
  TokenIssued,
  TokenRevoked,
] as const;

export type UserEvent = EventsOf<typeof userEvents>;

export const isUserEvent = eventGuard(userEvents);
