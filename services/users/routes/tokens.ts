import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { commandErrors, readErrors } from '../../gateway/schemas';
import { AuthError } from '../../../lib/errors';
import type { Sql } from '../../../lib/db/sql';
import type { UserCommands } from '../commands';
import { listTokens } from '../token-queries';
import { TokenBody, TokenCreated, TokenPage, TokenParams, UsersQuery } from './schemas';

const tags = ['tokens'];
const roles = ['admin', 'operator', 'auditor', 'viewer'] as const;

/** Personal API tokens: a user's own (an admin sees and revokes everyone's); configured tokens are not here. */
export function tokenRoutes(commands: UserCommands, sql: Sql): GatewayRoutes {
  return async (app) => {
    const userIdOf = (p: { userId?: string } | null) => {
      if (!p?.userId) throw new AuthError(403, 'personal tokens belong to users; a configured token has none');
      return p.userId;
    };

    app.get(
      '/tokens',
      {
        config: { roles },
        schema: {
          tags,
          summary: 'Your personal tokens (admins: everyone’s)',
          querystring: UsersQuery,
          response: { 200: TokenPage, ...readErrors },
        },
      },
      async (request) => {
        const p = request.principal!;
        return listTokens(sql, p.role === 'admin' ? undefined : userIdOf(p), request.query);
      },
    );

    app.post(
      '/tokens',
      {
        config: { roles },
        schema: {
          tags,
          summary: 'Issue a personal token (shown once), never with more rights than yours',
          body: TokenBody,
          response: { 201: TokenCreated, ...commandErrors },
        },
      },
      async (request, reply) => {
        const userId = userIdOf(request.principal);
        const token = await commands.issueToken(userId, request.body, commandMetadata(request));
        return reply.code(201).send(token);
      },
    );

    app.delete(
      '/tokens/:id',
      {
        config: { roles },
        schema: {
          tags,
          summary: 'Revoke a personal token',
          params: TokenParams,
          response: { 204: Type.Null({ description: 'Revoked' }), ...commandErrors },
        },
      },
      async (request, reply) => {
        const p = request.principal!;
        await commands.revokeToken(
          request.params.id,
          { admin: p.role === 'admin', ...(p.userId ? { userId: p.userId } : {}) },
          commandMetadata(request),
        );
        return reply.code(204).send(null);
      },
    );
  };
}
