import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../deps';
import { AUDITORS, ErrorResponse } from '../schemas';

const REDACTED = '[redacted]';
/** Keys whose values are secrets or stand for one (a token's digest still names a credential). */
const SECRET_KEY = /(token|secret|password|passphrase|sha256|privatekey|private_key|apikey|api_key)$/i;

/** A URL with its password (and a `password` query) replaced, or the value unchanged when it is no URL. */
function withoutPassword(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = REDACTED;
    if (url.searchParams.has('password')) url.searchParams.set('password', REDACTED);
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * The configuration as an admin or auditor may read it: every value whose key
 * names a secret is replaced, and URLs lose their passwords. Pure, so the
 * rule is tested without a hub.
 */
export function redactConfig(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return withoutPassword(value);
  if (Array.isArray(value)) return value.map((v) => redactConfig(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfig(v, k)]));
  }
  return value;
}

/** `GET /v1/config`: the effective configuration (networks, lanes, engines, policies), secrets redacted. */
export function createConfigRoutes(config: unknown): GatewayRoutes {
  const body = redactConfig(config) as Record<string, unknown>;
  return async (app) => {
    app.get(
      '/config',
      {
        config: { roles: AUDITORS },
        schema: {
          tags: ['status'],
          summary: 'The effective configuration, secrets redacted (read-only)',
          response: { 200: Type.Object({}, { additionalProperties: true }), 401: ErrorResponse },
        },
      },
      async () => body,
    );
  };
}
