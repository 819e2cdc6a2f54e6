import type { GatewayRoutes } from '../../gateway/deps';
import { expectedVersion } from '../../gateway/if-match';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { commandErrors, IfMatchHeaders, readErrors } from '../../gateway/schemas';
import { NotFoundError } from '../../../lib/errors';
import type { UserCommands } from '../commands';
import { UserBody, UserJson, UserPage, UserParams, UserPatch, UsersQuery } from './schemas';

const tags = ['users'];
const roles = ['admin'] as const;

/** `/v1/users`: admins create users, change their role and rights, disable them and reset passwords. */
export function userRoutes(commands: UserCommands): GatewayRoutes {
  return async (app) => {
    app.get(
      '/users',
      {
        config: { roles },
        schema: {
          tags,
          summary: 'Users, newest first',
          querystring: UsersQuery,
          response: { 200: UserPage, ...readErrors },
        },
      },
      async (request) => commands.repo.list(request.query),
    );

    app.post(
      '/users',
      {
        config: { roles },
        schema: { tags, summary: 'Create a user', body: UserBody, response: { 201: UserJson, ...commandErrors } },
      },
      async (request, reply) => reply.code(201).send(await commands.create(request.body, commandMetadata(request))),
    );

    app.get(
      '/users/:id',
      {
        config: { roles },
        schema: { tags, summary: 'One user', params: UserParams, response: { 200: UserJson, ...readErrors } },
      },
      async (request) => {
        const user = await commands.repo.byId(request.params.id);
        if (!user) throw new NotFoundError(`user ${request.params.id} not found`);
        return user;
      },
    );

    app.patch(
      '/users/:id',
      {
        config: { roles },
        schema: {
          tags,
          summary: 'Change a user’s role, rights, password, or disable it (takes effect on its next request)',
          params: UserParams,
          headers: IfMatchHeaders,
          body: UserPatch,
          response: { 200: UserJson, ...commandErrors },
        },
      },
      async (request) =>
        commands.update(request.params.id, request.body, commandMetadata(request), expectedVersion(request.headers)),
    );
  };
}
