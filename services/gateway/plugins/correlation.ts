import fp from 'fastify-plugin';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { EventMetadata } from '../../../events/envelope';
import { uuidv7 } from '../../../lib/ids';
import type { Principal } from '../auth';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's correlation id (also `request.id`); it goes into the metadata of the events it causes. */
    readonly correlationId: string;
  }
}

export const CORRELATION_HEADER = 'x-correlation-id';

/** Short and of a plain alphabet, so a caller's id cannot forge log fields or split headers. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Fastify's `genReqId`: the caller's `x-correlation-id` when it is sane
 * (so a journey started elsewhere keeps its id), else a new UUIDv7.
 */
export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && SANE_ID.test(given) ? given : uuidv7();
}

/** Echoes the correlation id on every response, errors and 404s included. */
export const correlation = fp(
  async (app) => {
    app.decorateRequest('correlationId', {
      getter(this: FastifyRequest) {
        return this.id;
      },
    });
    app.addHook('onRequest', async (request, reply) => {
      reply.header(CORRELATION_HEADER, request.id);
    });
  },
  { name: 'mxhub-correlation', fastify: '5.x' },
);

/** `user:<name>` for people, `connector:<network>` for a connector (the envelope's actor forms). */
export function actorOf(principal: Principal): string {
  return principal.role === 'connector' ? `connector:${principal.network}` : `user:${principal.name}`;
}

/**
 * Metadata for the events a request's command causes. The causation id is
 * the request itself unless the command answers a specific event.
 */
export function commandMetadata(request: FastifyRequest, causationId?: string): EventMetadata {
  const principal = request.principal;
  // Only guarded routes issue commands; reaching here without a principal is a wiring bug, not bad input.
  if (!principal) throw new Error(`commandMetadata needs an authenticated request (${request.method} ${request.url})`);
  return {
    correlationId: request.correlationId,
    causationId: causationId ?? request.correlationId,
    actor: actorOf(principal),
    occurredAt: new Date().toISOString(),
  };
}
