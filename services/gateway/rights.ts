import type { FastifyRequest } from 'fastify';
import { AuthError, ConfigError, NotFoundError } from '../../lib/errors';
import type { Principal, Role } from './auth';

/**
 * What a principal may see and do beyond its role: the browse scope, the
 * download right (content and full-quality proxies) and the modify right
 * (metadata edits). The role says which routes it may call; these say which
 * assets, and whether it may take their bytes or change them.
 */
export interface Rights {
  /** Networks whose assets it sees; absent means every network. */
  networks?: readonly string[];
  canDownload: boolean;
  canModify: boolean;
}

/** The rights keys of a token entry (`auth.tokens[]`); absent keys take the role's defaults. */
export interface TokenRights {
  networks?: string[];
  canDownload?: boolean;
  canModify?: boolean;
}

/**
 * The networks an asset originates in or has a replica in (delivered,
 * origin or cached), or undefined when there is no such asset. Read on every
 * check, so it must be cheap for one asset and never throw for a missing
 * one; a stale answer may only lag the log, never run ahead of it.
 */
export type AssetNetworks = (assetId: string) => Promise<readonly string[] | undefined>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's `AssetNetworks` port (a build option, by default read from the asset's stream). */
    readonly assetNetworks: AssetNetworks;
  }
}

// Roles fail closed: modifying is an operator's or admin's act; a browse
// scope narrows only a viewer, since the other roles use routes that are not
// scoped (the event log, audits, commands on transfers and the quarantine)
// and a scope would promise more than it holds. A connector's scope is the
// network it is bound to.
const MAY_MODIFY: readonly Role[] = ['admin', 'operator'];
const MAY_SCOPE: readonly Role[] = ['viewer'];

/**
 * The rights of a token entry, its role's defaults narrowed by its own keys.
 * A key that would give more than the role allows is a ConfigError naming
 * the entry (`at`, e.g. `auth.tokens[2]`) and the key.
 */
export function tokenRights(entry: TokenRights & { role: Role; network?: string }, at: string): Rights {
  const { role } = entry;
  if (entry.networks !== undefined) {
    if (!MAY_SCOPE.includes(role)) {
      throw new ConfigError(
        `${at}.networks is only accepted for a viewer token (role is ${role}: ` +
          (role === 'connector' ? 'its scope is its network)' : 'it sees every network)'),
      );
    }
    if (!Array.isArray(entry.networks) || entry.networks.length === 0) {
      throw new ConfigError(`${at}.networks must name at least one network (leave it out for every network)`);
    }
  }
  for (const key of ['canDownload', 'canModify'] as const) {
    if (entry[key] !== undefined && typeof entry[key] !== 'boolean') {
      throw new ConfigError(`${at}.${key} must be true or false, got ${JSON.stringify(entry[key])}`);
    }
  }
  if (entry.canModify === true && !MAY_MODIFY.includes(role)) {
    throw new ConfigError(`${at}.canModify: role ${role} may not modify (only ${MAY_MODIFY.join(' and ')} may)`);
  }
  const networks = role === 'connector' && entry.network ? [entry.network] : entry.networks;
  return {
    ...(networks ? { networks: [...new Set(networks)] } : {}),
    canDownload: entry.canDownload ?? true,
    canModify: entry.canModify ?? MAY_MODIFY.includes(role),
  };
}

/** The networks whose assets `p` sees; undefined means every network. */
export function visibleNetworks(p: Principal): readonly string[] | undefined {
  return p.rights.networks;
}

/** Whether `p` sees an asset held in `assetNetworks` (its origin network and those with a replica). */
export function canSee(p: Principal, assetNetworks: readonly string[]): boolean {
  const scope = visibleNetworks(p);
  return scope === undefined || assetNetworks.some((n) => scope.includes(n));
}

/**
 * Throws NotFoundError (404, "asset <id> not found") unless the request's
 * principal sees the asset: a scoped user learns nothing of what it may not
 * see, not even that it exists. An unscoped principal costs no lookup; the
 * route's own read then answers for a missing asset.
 */
export async function assertAssetVisible(request: FastifyRequest, assetId: string): Promise<void> {
  const p = request.principal;
  if (!p) throw new AuthError(401, 'this route needs a bearer token: Authorization: Bearer <token>');
  if (visibleNetworks(p) === undefined) return;
  const networks = await request.server.assetNetworks(assetId);
  if (!networks || !canSee(p, networks)) throw new NotFoundError(`asset ${assetId} not found`);
}

/** AuthError 403 unless `p` has the download right. */
export function assertCanDownload(p: Principal): void {
  if (!p.rights.canDownload) {
    throw new AuthError(
      403,
      `${p.role} "${p.name}" has no download right (canDownload): content and full-quality proxies need it`,
    );
  }
}

/** AuthError 403 unless `p` has the modify right. */
export function assertCanModify(p: Principal): void {
  if (!p.rights.canModify) {
    throw new AuthError(403, `${p.role} "${p.name}" has no modify right (canModify): metadata edits need it`);
  }
}
