import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../../lib/errors';
import {
  createTokenVerifier,
  parseBearer,
  routeAccess,
  type AuthConfig,
  type Principal,
  type Role,
  type RouteAccess,
} from '../auth';
import type { UserAuth } from '../deps';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; set by the guard on routes with roles, null on public routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route. Every guarded route declares this or `public`. */
    roles?: readonly Role[];
    /** Why the route needs no token (health, metrics): a reason, so the exception is deliberate. */
    public?: string;
  }
  interface Session {
    /** The logged-in user (`user-<id>`); a session without it is not stored. */
    userId?: string;
    /** The per-session CSRF token (see `csrfOk`). */
    csrfToken?: string;
  }
}

/** The session cookie's name (the console and the browser tests know it). */
export const SESSION_COOKIE = 'mxhub_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF for cookie-authenticated writes: a synchronizer token per session
 * (OWASP's first choice), given by `POST/GET /v1/session` and sent back in
 * `x-csrf-token`, compared in constant time. Chosen over
 * @fastify/csrf-protection because the session already holds a secret
 * random value per user and the console needs only that one header; a
 * bearer caller needs none (a browser never adds its Authorization header).
 */
function csrfOk(request: FastifyRequest): boolean {
  const expected = request.session?.csrfToken;
  const given = request.headers['x-csrf-token'];
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One route behind the guard and who may call it; tests walk this list so new routes are covered. */
export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

export interface AuthGuardOptions {
  auth: AuthConfig;
  /** Filled with every route registered behind the guard. */
  registry: RouteEntry[];
  /** Users' sessions and personal tokens; absent, only configured tokens. */
  users?: UserAuth;
}

const REALM = 'Bearer realm="mxhub"';

/**
 * Bearer-token guard for every route registered after it in the same
 * context. A route that declares neither `config.roles` nor `config.public`
 * makes registration fail, so "auth on every route" holds by construction
 * rather than by review.
 */
export const authGuard = fp<AuthGuardOptions>(
  async (app, { auth, registry, users }) => {
    const verify = createTokenVerifier(auth);
    app.decorateRequest('principal', null);
    if (users) {
      await app.register(fastifyCookie);
      await app.register(fastifySession, {
        secret: users.sessionSecret,
        cookieName: SESSION_COOKIE,
        store: users.sessionStore,
        saveUninitialized: false,
        cookie: { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/', maxAge: users.sessionMaxAgeMs },
      });
    }

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const access = routeAccess(`${methods.join(',')} ${route.url}`, route.config ?? {});
      for (const method of methods) registry.push({ method, url: route.url, access });
    });

    /**
     * Who the request is, in this order: a configured bearer token, a
     * personal token, the session cookie. A bearer header that matches
     * neither token is refused even with a cookie: a caller that sent a
     * token meant it.
     */
    async function authenticate(request: FastifyRequest, reply: { header(k: string, v: string): unknown }) {
      const bearer = parseBearer(request.headers.authorization);
      if (bearer === 'missing') {
        const userId = request.session?.userId;
        if (users && userId) {
          const principal = await users.userPrincipal(userId);
          if (!principal) {
            await request.session.destroy();
            throw new AuthError(401, 'the session has ended (the user is disabled or gone): log in again');
          }
          if (!SAFE_METHODS.has(request.method) && !csrfOk(request)) {
            throw new AuthError(403, 'a write with the session cookie needs the x-csrf-token header of the session');
          }
          return { ...principal, via: 'session' as const };
        }
        reply.header('www-authenticate', REALM);
        throw new AuthError(401, 'this route needs a bearer token: Authorization: Bearer <token>');
      }
      const principal =
        bearer === 'malformed'
          ? undefined
          : (verify(bearer.token) ?? (users ? await users.tokenPrincipal(bearer.token) : undefined));
      if (!principal) {
        reply.header('www-authenticate', `${REALM}, error="invalid_token"`);
        throw new AuthError(401, 'the bearer token is not valid');
      }
      return principal;
    }

    // onRequest runs before body parsing and validation: an anonymous caller
    // learns nothing about a route's input rules and costs us no parsing.
    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config;
      if (config.public) return;
      const principal = await authenticate(request, reply);
      request.principal = principal;
      // Fail closed: a route without roles (impossible after onRoute) admits nobody.
      const roles = config.roles ?? [];
      if (!roles.includes(principal.role)) {
        throw new AuthError(
          403,
          `role ${principal.role} may not call ${request.method} ${request.routeOptions.url}; allowed: ${roles.join(', ')}`,
        );
      }
    });
  },
  { name: 'mxhub-auth', fastify: '5.x' },
);
