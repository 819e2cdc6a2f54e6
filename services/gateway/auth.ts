import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError, ConfigError } from '../../lib/errors';
import { tokenRights, type Rights, type TokenRights } from './rights';

/** The roles of the design; a connector is bound to one network. */
export const ROLES = ['admin', 'operator', 'auditor', 'connector', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * One bearer token the gateway accepts. The token itself is never stored, only its digest. Its rights keys
 * (`networks`, `canDownload`, `canModify`) narrow its role's defaults (see `tokenRights`).
 */
export interface TokenEntry extends TokenRights {
  /** Unique; becomes the actor of the events the token's requests cause (`user:<name>`). */
  name: string;
  role: Role;
  /** Required for `connector` (the one network it acts for), refused for other roles. */
  network?: string;
  /** SHA-256 of the token, lowercase hex (see `hashToken`). */
  sha256: string;
}

export interface AuthConfig {
  tokens: TokenEntry[];
}

/** Who a request acts as, once its token is verified. */
export interface Principal {
  name: string;
  role: Role;
  network?: string;
  rights: Rights;
  /** Set for a user (session or personal token): the id of `user-<id>`. */
  userId?: string;
  /** How the request proved who it is; a `session` needs the CSRF header on writes. */
  via?: 'token' | 'personal-token' | 'session';
}

/** RFC 6750 `b64token`: the characters a bearer token may have. */
export const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** The digest under which a token is stored in `AuthConfig`. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function checkEntry(t: TokenEntry, i: number): Rights {
  const at = `auth.tokens[${i}]`;
  if (typeof t.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(t.name)) {
    throw new ConfigError(`${at}.name must be 1-64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(t.name)}`);
  }
  if (!ROLES.includes(t.role)) {
    throw new ConfigError(`${at}.role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(t.role)}`);
  }
  if (t.role === 'connector' && !t.network) throw new ConfigError(`${at}.network is required for a connector token`);
  if (t.role !== 'connector' && t.network !== undefined) {
    throw new ConfigError(`${at}.network is only accepted for a connector token (role is ${t.role})`);
  }
  if (typeof t.sha256 !== 'string' || !HEX64.test(t.sha256)) {
    throw new ConfigError(`${at}.sha256 must be the SHA-256 of the token as 64 lowercase hex characters`);
  }
  return tokenRights(t, at);
}

/**
 * Checks the config once (errors name the entry at fault) and returns the
 * verifier: the Principal of a token, or undefined for an unknown token.
 */
export function createTokenVerifier(config: AuthConfig): (token: string) => Principal | undefined {
  const names = new Set<string>();
  const digests = new Set<string>();
  const entries = config.tokens.map((t, i) => {
    const rights = checkEntry(t, i);
    if (names.has(t.name))
      throw new ConfigError(`auth.tokens[${i}].name "${t.name}" is used twice; names must be unique`);
    if (digests.has(t.sha256)) throw new ConfigError(`auth.tokens[${i}] has the same token as an earlier entry`);
    names.add(t.name);
    digests.add(t.sha256);
    const principal: Principal = { name: t.name, role: t.role, ...(t.network ? { network: t.network } : {}), rights };
    return { digest: Buffer.from(t.sha256, 'hex'), principal };
  });

  return (token) => {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    // Every entry is compared, in constant time, without stopping at a match:
    // response time then says nothing about which entry (or how many) matched.
    for (const e of entries) {
      if (timingSafeEqual(digest, e.digest) && !found) found = e.principal;
    }
    return found;
  };
}

/**
 * The token of an `Authorization: Bearer <token>` header: `missing` when
 * there is no such header, `malformed` when it is not a bearer credential.
 */
export function parseBearer(header: string | undefined): { token: string } | 'missing' | 'malformed' {
  if (header === undefined || header === '') return 'missing';
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match || !TOKEN_PATTERN.test(match[1]!)) return 'malformed';
  return { token: match[1]! };
}

/** Roles a route admits: a non-empty list of known roles, or the reason it is public. */
export type RouteAccess = { roles: readonly Role[] } | { public: string };

/** Validates what a route declared; the message names the route so a bad plugin is easy to find. */
export function routeAccess(route: string, config: { roles?: unknown; public?: unknown }): RouteAccess {
  const { roles } = config;
  if (typeof config.public === 'string' && config.public.length > 0 && roles === undefined) {
    return { public: config.public };
  }
  if (
    Array.isArray(roles) &&
    roles.length > 0 &&
    roles.every((r) => ROLES.includes(r)) &&
    config.public === undefined
  ) {
    return { roles: roles as Role[] };
  }
  throw new ConfigError(
    `route ${route} must declare config.roles (a non-empty list of ${ROLES.join(', ')}) ` +
      `or config.public (the reason it needs no token), not both; got ${JSON.stringify({ roles, public: config.public })}`,
  );
}

/** A connector may act only for its own network; every other role acts for any network. */
export function assertNetwork(principal: Principal, network: string): void {
  if (principal.role === 'connector' && principal.network !== network) {
    throw new AuthError(
      403,
      `connector token "${principal.name}" acts for network ${principal.network}, not ${network}`,
    );
  }
}
