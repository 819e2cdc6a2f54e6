import fp from 'fastify-plugin';
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
}

const REALM = 'Bearer realm="mxhub"';

/**
 * Bearer-token guard for every route registered after it in the same
 * context. A route that declares neither `config.roles` nor `config.public`
 * makes registration fail, so "auth on every route" holds by construction
 * rather than by review.
 */
export const authGuard = fp<AuthGuardOptions>(
  async (app, { auth, registry }) => {
    const verify = createTokenVerifier(auth);
    app.decorateRequest('principal', null);

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const access = routeAccess(`${methods.join(',')} ${route.url}`, route.config ?? {});
      for (const method of methods) registry.push({ method, url: route.url, access });
    });

    // onRequest runs before body parsing and validation: an anonymous caller
    // learns nothing about a route's input rules and costs us no parsing.
    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config;
      if (config.public) return;
      const bearer = parseBearer(request.headers.authorization);
      if (bearer === 'missing') {
        reply.header('www-authenticate', REALM);
        throw new AuthError(401, 'this route needs a bearer token: Authorization: Bearer <token>');
      }
      const principal = bearer === 'malformed' ? undefined : verify(bearer.token);
      if (!principal) {
        reply.header('www-authenticate', `${REALM}, error="invalid_token"`);
        throw new AuthError(401, 'the bearer token is not valid');
      }
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
