import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifySchema, RouteOptions } from 'fastify';
import { ErrorResponse } from '../schemas';

export interface OpenApiOptions {
  /** API version shown in the document. */
  version: string;
}

/**
 * Writes each route's access rule into its operation: the bearer security
 * requirement, the roles in the description and the 401/403 answers. The
 * rule lives once, in `config.roles`, so the document cannot drift from it.
 */
function documentAccess({ schema, url, route }: { schema: FastifySchema; url: string; route: RouteOptions }) {
  const roles = route.config?.roles;
  if (!roles) return { schema: { ...schema, security: [] }, url };
  const who = `Roles: ${roles.join(', ')}.`;
  const description = schema?.description ? `${schema.description}\n\n${who}` : who;
  const response = {
    ...(schema?.response as object | undefined),
    401: { ...ErrorResponse, description: 'No bearer token, or not a valid one' },
    403: { ...ErrorResponse, description: 'The token is valid but its role may not call this route' },
  };
  return { schema: { ...schema, description, response, security: [{ bearerAuth: [] }] }, url };
}

/**
 * OpenAPI document from the route schemas, the UI at `/docs` and the JSON at
 * `/docs/json`. The docs are public: they describe the API, they do not
 * serve data. Registered before the routes so every route is collected.
 */
export const openapi = fp<OpenApiOptions>(
  async (app, { version }) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'mxhub',
          version,
          description:
            'Media exchange hub: assets and their screening, quarantine, transfers with their lanes and networks, the event log, stream timelines, status and log verification. This document as JSON: /docs/json.',
        },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      },
      transform: documentAccess as never,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'mxhub-openapi', fastify: '5.x' },
);
