import { ConfigError, ValidationError } from '../../../lib/errors';
import { ROLES, type Role } from '../../gateway/auth';
import { tokenRights, type Rights } from '../../gateway/rights';

/** A user's role and rights as stored: the same keys and rules as a configured token (`auth.tokens[]`). */
export interface UserRights {
  role: Role;
  network?: string;
  networks?: string[];
  canDownload: boolean;
  canModify: boolean;
}

export interface RightsInput {
  role: unknown;
  network?: string;
  networks?: string[];
  canDownload?: boolean;
  canModify?: boolean;
}

/**
 * The rights of an API request's input, checked by the very rules of a
 * configured token (`tokenRights`), so a user can never hold what a token
 * could not. Its ConfigError (about a config file) becomes a ValidationError
 * (400) naming the request field.
 */
export function userRights(input: RightsInput): UserRights {
  if (!ROLES.includes(input.role as Role)) {
    throw new ValidationError(`role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(input.role)}`, {
      field: 'role',
    });
  }
  const role = input.role as Role;
  if (role === 'connector' && !input.network) {
    throw new ValidationError('network is required for a connector', { field: 'network' });
  }
  if (role !== 'connector' && input.network !== undefined) {
    throw new ValidationError(`network is only accepted for a connector (role is ${role})`, { field: 'network' });
  }
  let rights: Rights;
  try {
    rights = tokenRights({ ...input, role }, 'body');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const field = /^body\.(\w+)/.exec(err.message)?.[1] ?? 'body';
    throw new ValidationError(err.message.replace(/^body\./, ''), { field });
  }
  return {
    role,
    ...(input.network ? { network: input.network } : {}),
    // A connector's scope is its network (tokenRights derives it), not a stored list.
    ...(role !== 'connector' && rights.networks ? { networks: [...rights.networks] } : {}),
    canDownload: rights.canDownload,
    canModify: rights.canModify,
  };
}

/** The rights a user's principal acts with now. */
export function principalRights(user: UserRights): Rights {
  return {
    ...(user.role === 'connector' && user.network ? { networks: [user.network] } : {}),
    ...(user.networks ? { networks: user.networks } : {}),
    canDownload: user.canDownload,
    canModify: user.canModify,
  };
}

/**
 * A personal token's rights: what it asked for, never more than its owner
 * has now (re-read on each request, so narrowing the user narrows its tokens).
 */
export function narrowRights(owner: Rights, token: Partial<Rights>): Rights {
  const scope =
    owner.networks && token.networks
      ? owner.networks.filter((n) => token.networks!.includes(n))
      : (token.networks ?? owner.networks);
  return {
    ...(scope ? { networks: scope } : {}),
    canDownload: owner.canDownload && (token.canDownload ?? true),
    canModify: owner.canModify && (token.canModify ?? true),
  };
}
