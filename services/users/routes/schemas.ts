import { Type } from '@sinclair/typebox';
import { Nullable, PageQuery, Paged, Time } from '../../gateway/schemas';

const Role = Type.Union(['admin', 'operator', 'auditor', 'viewer', 'connector'].map((r) => Type.Literal(r)));
const Networks = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }), { minItems: 1, maxItems: 100 });

export const UserJson = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    role: Role,
    network: Type.Optional(Type.String()),
    networks: Type.Optional(Type.Array(Type.String())),
    canDownload: Type.Boolean(),
    canModify: Type.Boolean(),
    disabled: Type.Boolean(),
    createdAt: Time,
    lastLoginAt: Type.Optional(Time),
    version: Type.Integer({ description: 'The user stream version: send it back as If-Match' }),
  },
  { title: 'User' },
);
export const UserPage = Paged(UserJson);
export const UsersQuery = Type.Object(PageQuery, { additionalProperties: false });
export const UserParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,100}$' }) });

const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const UserBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Password,
    role: Role,
    network: Type.Optional(Type.String()),
    networks: Type.Optional(Networks),
    canDownload: Type.Optional(Type.Boolean()),
    canModify: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const UserPatch = Type.Object(
  {
    role: Type.Optional(Role),
    network: Type.Optional(Type.String()),
    networks: Type.Optional(Networks),
    canDownload: Type.Optional(Type.Boolean()),
    canModify: Type.Optional(Type.Boolean()),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { username: Type.String({ maxLength: 200 }), password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);
export const SessionJson = Type.Object(
  { user: UserJson, csrfToken: Type.String(), expiresAt: Time },
  { title: 'Session' },
);

export const TokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 90 })),
    networks: Type.Optional(Networks),
    canDownload: Type.Optional(Type.Boolean()),
    canModify: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const TokenFields = {
  id: Type.String(),
  name: Type.String(),
  userId: Type.String(),
  expiresAt: Time,
  networks: Type.Optional(Type.Array(Type.String())),
  canDownload: Type.Boolean(),
  canModify: Type.Boolean(),
};
export const TokenCreated = Type.Object(
  { ...TokenFields, token: Type.String({ description: 'Shown once: only its SHA-256 is kept' }) },
  { title: 'TokenCreated' },
);
export const TokenJson = Type.Object(
  { ...TokenFields, username: Type.String(), createdAt: Time, revokedAt: Nullable(Time) },
  { title: 'Token' },
);
export const TokenPage = Paged(TokenJson);
export const TokenParams = UserParams;
