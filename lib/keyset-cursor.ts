import type { Sql } from './db/sql';
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
export function decodeCursor(cursor: string, nextField = 'next'): [string, string] {
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

/** One page of a listing, the shape every list of the API answers. */
export interface Paged<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null when this page is the last one for now. */
  next: string | null;
}

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

// Times leave PostgreSQL as text so both adapters (pg, PGlite) give the same
// strings; the cursor keeps microseconds so no row is skipped or repeated.
export const isoText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const isoMicros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Collects the parameters of one statement: `param(value)` appends it and returns its `$n`. */
export function sqlParams() {
  const values: unknown[] = [];
  return { values, param: (value: unknown) => `$${values.push(value)}` };
}

export interface KeysetPageQuery {
  /** @default 100, at most 1000 */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

/**
 * One page of `table`, newest first on (`created_at`, `idColumn`). Unlike an
 * offset, a keyset cursor stays valid while rows arrive, and pages never
 * repeat a row. `where` conditions use `params.param` for their values.
 */
export async function keysetPage<R>(
  sql: Sql,
  spec: {
    table: string;
    columns: string;
    idColumn: string;
    where: string[];
    params: ReturnType<typeof sqlParams>;
    nextField?: string;
  },
  query: KeysetPageQuery,
): Promise<Paged<R>> {
  const limit = query.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE}, got ${limit}`, { field: 'limit' });
  }
  const { param, values } = spec.params;
  const where = [...spec.where];
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, spec.nextField);
    where.push(`(created_at, ${spec.idColumn}) < (${param(at)}::timestamptz, ${param(id)})`);
  }
  const rows = await sql.query<R & { cursor_at: string; cursor_id: string }>(
    `select ${spec.columns}, ${isoMicros('created_at')} as cursor_at, ${spec.idColumn} as cursor_id
       from ${spec.table} ${where.length ? `where ${where.join(' and ')}` : ''}
      order by created_at desc, ${spec.idColumn} desc limit ${param(limit + 1)}`,
    values,
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(last.cursor_at, last.cursor_id) : null };
}
