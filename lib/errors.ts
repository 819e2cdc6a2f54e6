/**
 * One base error for the whole hub. `code` is stable (clients and tests match
 * on it), `status` is what the gateway answers with, `retryable` tells callers
 * whether trying the same thing again can succeed.
 */
export class HubError extends Error {
  constructor(
    readonly code: `MXHUB_ERR_${string}`,
    message: string,
    readonly status = 500,
    readonly retryable = false,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule: names the field or file and what would be accepted. */
export class ValidationError extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('MXHUB_ERR_VALIDATION', message, 400, false, details);
  }
}

export class NotFoundError extends HubError {
  constructor(message: string) {
    super('MXHUB_ERR_NOT_FOUND', message, 404, false);
  }
}

/** The stream moved on since the caller read it: re-read, re-decide, append again. */
export class ConcurrencyError extends HubError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number,
  ) {
    super(
      'MXHUB_ERR_CONCURRENCY',
      `stream ${streamId}: expected version ${expected}, but it is at ${actual}`,
      409,
      true,
      { streamId, expected, actual },
    );
  }
}

/**
 * The caller decided against a version of the stream (an HTTP `If-Match`)
 * that is no longer its current one: read it again before asking again.
 */
export class PreconditionFailedError extends HubError {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      'MXHUB_ERR_PRECONDITION_FAILED',
      `stream ${streamId}: the command was made against version ${expected}, but the stream is at version ${actual}; read it again and retry with If-Match: ${actual}`,
      412,
      false,
      { streamId, expected, actual },
    );
  }
}

/** The same event id was appended before with a different payload. */
export class IdempotencyError extends HubError {
  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super('MXHUB_ERR_IDEMPOTENCY', `event ${eventId} was appended before ${reason}`, 409, false, { eventId });
  }
}

/** A dependency (store, broker, engine) cannot be reached. */
export class UnavailableError extends HubError {
  constructor(what: string, cause?: unknown) {
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    super('MXHUB_ERR_UNAVAILABLE', `${what} is unreachable${why}`, 503, true);
  }
}

export class ConfigError extends HubError {
  constructor(message: string) {
    super('MXHUB_ERR_CONFIG', message, 500, false);
  }
}

export class AuthError extends HubError {
  constructor(status: 401 | 403, message: string) {
    super(status === 401 ? 'MXHUB_ERR_UNAUTHENTICATED' : 'MXHUB_ERR_FORBIDDEN', message, status, false);
  }
}

/** A command that the current state of its subject does not allow (release an asset that is not quarantined...). */
export class StateError extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('MXHUB_ERR_STATE', message, 409, false, details);
  }
}

/** ffmpeg or ffprobe failed: the message ends with the last lines of its stderr (the reason it gave). */
export class FfmpegError extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('MXHUB_ERR_FFMPEG', message, 422, false, details);
  }
}
