import { ValidationError } from './errors';

/**
 * Cursors of keyset-paginated listings: the (time, id) of a page's last
 * row, opaque to clients (base64url JSON). A cursor comes back from outside,
 * so it is checked in full before it reaches SQL: a crafted one (an
 * impossible date such as 2026-02-30, which `Date.parse` rolls over but
 * PostgreSQL refuses, a year 0, a control character in the id) is a 400
 * naming `cursor`, never a database error.
 */

/** UTC with microseconds, as `to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` gives it. */
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point of this check
const CONTROL = /[\u0000-\u001F\u007F]/;
const MAX_ID = 256;

/** True when `value` names a time that exists: every field survives a round trip through the calendar. */
function isRealTime(value: string): boolean {
  const fields = TIME.exec(value)?.slice(1).map(Number);
  if (!fields) return false;
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  const t = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 1 to 99 as they are.
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return (
    year >= 1 &&
    t.getUTCFullYear() === year &&
    t.getUTCMonth() === month - 1 &&
    t.getUTCDate() === day &&
    t.getUTCHours() === hour &&
    t.getUTCMinutes() === minute &&
    t.getUTCSeconds() === second
  );
}

export const encodeCursor = (at: string, id: string): string =>
  Buffer.from(JSON.stringify([at, id])).toString('base64url');

/**
 * The (time, id) of a cursor `encodeCursor` made. Anything else is a
 * `ValidationError` on field `cursor`; `nextField` names where a page hands
 * out its cursor (`nextCursor`, `next`), so the message says what to pass.
 */
export function decodeCursor(cursor: string, nextField: string): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    isRealTime(value[0]) &&
    typeof value[1] === 'string' &&
    value[1].length > 0 &&
    value[1].length <= MAX_ID &&
    !CONTROL.test(value[1])
  ) {
    return [value[0], value[1]];
  }
  throw new ValidationError(`cursor: not a cursor this API returned; pass the ${nextField} of the previous page`, {
    field: 'cursor',
  });
}
