import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { commandErrors } from '../../gateway/schemas';
import { AuthError } from '../../../lib/errors';
import type { UserCommands } from '../commands';
import { LockedOutError } from '../login-failures';
import type { UserJson } from '../repository';
import { LoginBody, SessionJson } from './schemas';

const ALL = ['admin', 'operator', 'auditor', 'viewer', 'connector'] as const;
const tags = ['session'];

/** Fresh each login: a token from before the login (a fixated session) is of no use. */
const newCsrfToken = () => randomBytes(32).toString('base64url');

/** The session's body: its user, the CSRF token for writes and when the cookie runs out. */
function sessionJson(request: FastifyRequest, user: UserJson) {
  const expires = request.session.cookie.expires;
  return {
    user,
    csrfToken: request.session.csrfToken!,
    expiresAt: (expires ?? new Date()).toISOString(),
  };
}

export function sessionRoutes(commands: UserCommands): GatewayRoutes {
  return async (app) => {
    app.post(
      '/session',
      {
        config: { public: 'logging in is how a browser gets its session; it is locked out after repeated failures' },
        schema: {
          tags,
          summary: 'Log in: sets the mxhub_session cookie and answers the CSRF token for writes',
          body: LoginBody,
          response: { 200: SessionJson, ...commandErrors },
        },
      },
      async (request, reply) => {
        const meta = { correlationId: request.correlationId, actor: 'anonymous' };
        try {
          const user = await commands.login(request.body.username, request.body.password, request.ip, meta);
          // A new session id at login: an id planted before it (session fixation) opens nothing.
          await request.session.regenerate();
          // @fastify/session turns SameSite to Lax for `secure: 'auto'` over plain HTTP; the console is
          // same-origin, so Strict costs nothing there and keeps the cookie off every cross-site request.
          request.session.cookie.sameSite = 'strict';
          request.session.userId = user.id;
          request.session.csrfToken = newCsrfToken();
          return sessionJson(request, user);
        } catch (err) {
          if (err instanceof LockedOutError) reply.header('retry-after', String(err.retryAfterSeconds));
          throw err;
        }
      },
    );

    app.get(
      '/session',
      {
        config: { roles: ALL },
        schema: {
          tags,
          summary: 'The session: its user and CSRF token',
          response: { 200: SessionJson, ...commandErrors },
        },
      },
      async (request) => {
        const userId = request.principal?.userId;
        if (request.principal?.via !== 'session' || !userId) throw new AuthError(401, 'not logged in (no session)');
        const user = await commands.repo.byId(userId);
        if (!user) throw new AuthError(401, 'not logged in (no session)');
        return sessionJson(request, user);
      },
    );

    app.delete(
      '/session',
      { config: { roles: ALL }, schema: { tags, summary: 'Log out: ends the session and clears its cookie' } },
      async (request, reply) => {
        const userId = request.principal?.userId;
        if (request.principal?.via !== 'session' || !userId) throw new AuthError(401, 'not logged in (no session)');
        await request.session.destroy();
        await commands.logout(userId, commandMetadata(request));
        reply.clearCookie('mxhub_session', { path: '/' });
        return reply.code(204).send();
      },
    );
  };
}
