import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { HubError } from '../../../lib/errors';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; correlationId: string };
}

const WHERE: Record<string, string> = {
  querystring: 'query parameter',
  params: 'path parameter',
  body: 'body field',
  headers: 'header',
};

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'an ISO-8601 time with zone, e.g. 2026-11-22T10:00:00Z',
};

/** Names the field and what would be accepted, from the first ajv error. */
function describeValidation(
  context: string,
  e: FastifySchemaValidationError,
): { message: string; details: Record<string, unknown> } {
  const where = WHERE[context] ?? context;
  const params = e.params as Record<string, unknown>;
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const field = [path, String(params.additionalProperty)].filter(Boolean).join('.');
    // ajv's `verbose` option (set in app.ts) adds the schema the error is about.
    const parent = (e as { parentSchema?: { properties?: object } }).parentSchema;
    const accepted = Object.keys(parent?.properties ?? {});
    const hint = accepted.length ? `; accepted: ${accepted.join(', ')}` : '';
    return {
      message: `${where} "${field}" is not accepted${hint}`,
      details: { field, location: context, rule: e.keyword },
    };
  }
  const field = e.keyword === 'required' ? [path, String(params.missingProperty)].filter(Boolean).join('.') : path;
  const format = e.keyword === 'format' ? FORMAT_HINTS[String(params.format)] : undefined;
  const rule = format ? `must be ${format}` : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
  return { message: `${where} "${field || '(root)'}" ${rule}`, details: { field, location: context, rule: e.keyword } };
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error: Omit<ErrorBody['error'], 'correlationId'>,
) {
  const body: ErrorBody = { error: { ...error, correlationId: request.correlationId } };
  return reply.status(status).send(body);
}

/**
 * The gateway's one error handler. HubErrors keep their code, status and
 * message (they are written for callers); fastify's own 4xx errors keep their
 * status; anything else is a 500 whose details stay in the log, because a
 * stack trace or SQL text in a response helps an attacker more than a user.
 */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HubError) {
    if (err.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: err.code, message: err.message }, 'request refused');
    if (err.retryable && err.status >= 500) reply.header('retry-after', '1');
    const details = err.details ? { details: err.details } : {};
    return send(request, reply, err.status, { code: err.code, message: err.message, ...details });
  }
  const fe = err as FastifyError;
  if (fe.validation?.[0]) {
    const { message, details } = describeValidation(fe.validationContext ?? 'request', fe.validation[0]);
    request.log.info({ code: 'MXHUB_ERR_VALIDATION', message }, 'request refused');
    return send(request, reply, 400, { code: 'MXHUB_ERR_VALIDATION', message, details });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    request.log.info({ code: fe.code, message: fe.message }, 'request refused');
    return send(request, reply, fe.statusCode, { code: 'MXHUB_ERR_BAD_REQUEST', message: fe.message });
  }
  request.log.error({ err }, 'request failed');
  return send(request, reply, 500, { code: 'MXHUB_ERR_INTERNAL', message: 'internal error' });
}

/** Error handler and a 404 in the same shape, for the whole gateway. */
export const errorHandler = fp(
  async (app) => {
    app.setErrorHandler(handleError);
    app.setNotFoundHandler((request, reply) =>
      send(request, reply, 404, {
        code: 'MXHUB_ERR_NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      }),
    );
  },
  { name: 'mxhub-errors', fastify: '5.x' },
);
