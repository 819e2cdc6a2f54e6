import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import type { ErrorObject } from 'ajv';
import { HubError } from '../../../lib/errors';
import { describeSchemaErrors } from '../../../lib/schema-errors';

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

/** Names the field and what would be accepted (lib/schema-errors.ts words every ajv error of the hub). */
function describeValidation(
  context: string,
  errors: readonly FastifySchemaValidationError[],
): { message: string; details: Record<string, unknown> } {
  const where = WHERE[context] ?? context;
  const problem = describeSchemaErrors(errors as unknown as ErrorObject[]);
  const details = { field: problem.field, location: context, rule: problem.keyword };
  if (context === 'body' && problem.field === '' && problem.keyword === 'type')
    return { message: 'a JSON body is required', details };
  if (problem.keyword === 'additionalProperties') {
    const hint = problem.accepted.length ? `; accepted: ${problem.accepted.join(', ')}` : '';
    return { message: `${where} "${problem.field}" is not accepted${hint}`, details };
  }
  const first = errors[0]!;
  const format =
    first.keyword === 'format' ? FORMAT_HINTS[String((first.params as { format?: unknown }).format)] : undefined;
  // A pattern is hard to read: the schema's own description says what it wants.
  const described =
    first.keyword === 'pattern'
      ? (first as { parentSchema?: { description?: string } }).parentSchema?.description
      : undefined;
  // Our own words for choices and missing fields; ajv's for the rest (min lengths, patterns, types).
  const ours = ['anyOf', 'enum', 'required'].includes(problem.keyword);
  const base = ours ? problem.rule : (first.message ?? problem.rule);
  const rule = format ? `must be ${format}` : described ? `${base} (${described})` : base;
  return { message: `${where} "${problem.field || '(root)'}" ${rule}`, details };
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
    const { message, details } = describeValidation(fe.validationContext ?? 'request', fe.validation);
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
