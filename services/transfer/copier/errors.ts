import { HubError } from '../../../lib/errors';

/**
 * Why a copy step failed:
 * - `no-space`: the target's file system cannot hold the file (refused by reserve, or ENOSPC while writing);
 * - `source-missing`: the staged source is gone;
 * - `source-changed`: the staged source is not the file that was claimed (size, identity);
 * - `hash-mismatch`: what was copied does not hash to what was claimed;
 * - `aborted`: the caller's signal stopped the copy at a chunk boundary; the partial stays for resume;
 * - `io`: any other file-system failure.
 */
export type CopyErrorCode = 'no-space' | 'source-missing' | 'source-changed' | 'hash-mismatch' | 'aborted' | 'io';

// Retrying helps only where the cause can go away by itself. A full disk
// needs someone to free space (then a retry by hand), and a missing or
// changed source will not come back: retrying those would only hide them.
const DEFAULTS: Record<CopyErrorCode, { status: number; retryable: boolean }> = {
  'no-space': { status: 507, retryable: false },
  'source-missing': { status: 410, retryable: false },
  'source-changed': { status: 409, retryable: false },
  'hash-mismatch': { status: 502, retryable: true },
  aborted: { status: 409, retryable: false },
  io: { status: 500, retryable: true },
};

// The saga switches on the short reason (`code === 'aborted'`, services/transfer/saga.ts),
// which HubError's `MXHUB_ERR_` type does not admit. Copy errors never reach the
// gateway as such (they become a transfer's failure reason), so CopyError keeps
// HubError's prototype, status and retryable and narrows `code` to the reason.
const CopyErrorBase = HubError as unknown as new (
  ...args: ConstructorParameters<typeof HubError>
) => Omit<HubError, 'code'>;

/** A copy step's failure: the reason, whether the saga may retry it, and a message naming the file or target. */
export class CopyError extends CopyErrorBase {
  readonly code: CopyErrorCode;

  constructor(
    code: CopyErrorCode,
    message: string,
    options: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const d = DEFAULTS[code];
    super(
      `MXHUB_ERR_COPY_${code.toUpperCase().replace('-', '_')}`,
      message,
      d.status,
      options.retryable ?? d.retryable,
      {
        reason: code,
        ...options.details,
      },
    );
    this.code = code;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The errno code of a Node file-system error, if it is one. */
export const errnoOf = (err: unknown): string | undefined =>
  typeof (err as { code?: unknown } | null)?.code === 'string' ? (err as { code: string }).code : undefined;

/** True when the file system is out of space or quota. */
export const isNoSpace = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes(errnoOf(err) ?? '');

/**
 * Turns a file-system error met while copying into a CopyError; CopyErrors
 * pass through. `what` names the operation and file for the message.
 */
export function asCopyError(err: unknown, what: string): CopyError {
  if (err instanceof CopyError) return err;
  const why = err instanceof Error ? err.message : String(err);
  if (isNoSpace(err))
    return new CopyError('no-space', `${what}: the target file system is full (${why})`, { cause: err });
  return new CopyError('io', `${what}: ${why}`, { cause: err });
}
