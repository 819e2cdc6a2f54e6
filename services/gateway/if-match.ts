import { ValidationError } from '../../lib/errors';

/** A stream version as a client sends it back: digits, optionally quoted as an entity tag. */
const VERSION = /^"?(0|[1-9][0-9]{0,14})"?$/;

/**
 * The `expectedVersion` of a command from its optional `If-Match` header:
 * the version of the stream the caller last read (the `version` field of
 * a transfer or an asset). Absent, the command decides on whatever version
 * it finds; given, a stream that moved on answers 412 and nothing changes.
 * Anything but a version (`*`, a list, a word) is a 400 naming the header.
 */
export function expectedVersion(headers: { 'if-match'?: string | undefined }): number | undefined {
  const value = headers['if-match']?.trim();
  if (value === undefined) return undefined;
  const match = VERSION.exec(value);
  if (!match) {
    throw new ValidationError(
      `header If-Match: must be the stream version you last read (a whole number, e.g. If-Match: 7), got ${JSON.stringify(value.slice(0, 40))}`,
      { field: 'if-match' },
    );
  }
  return Number(match[1]);
}
