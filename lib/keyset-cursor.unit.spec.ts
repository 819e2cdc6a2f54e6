import { ValidationError } from './errors';
import { decodeCursor, encodeCursor } from './keyset-cursor';

const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  test('a cursor decodes to the time and id it was made from', () => {
    for (const at of ['2026-11-22T10:00:00.123456Z', '2024-02-29T23:59:59.999999Z', '0001-01-01T00:00:00.000000Z']) {
      expect(decodeCursor(encodeCursor(at, 'a1'), 'next')).toEqual([at, 'a1']);
    }
  });

  test.each([
    ['an impossible date', forge(['2026-02-30T10:00:00.000000Z', 'a1'])],
    ['February 29 of a common year', forge(['2025-02-29T10:00:00.000000Z', 'a1'])],
    ['the 31st of a 30-day month', forge(['2026-04-31T00:00:00.000000Z', 'a1'])],
    ['month 13', forge(['2026-13-01T00:00:00.000000Z', 'a1'])],
    ['hour 24', forge(['2026-01-01T24:00:00.000000Z', 'a1'])],
    ['second 60', forge(['2026-01-01T23:59:60.000000Z', 'a1'])],
    ['year 0', forge(['0000-01-01T00:00:00.000000Z', 'a1'])],
    ['milliseconds only', forge(['2026-01-01T00:00:00.000Z', 'a1'])],
    ['a control character in the id', forge(['2026-01-01T00:00:00.000000Z', 'a\u0000'])],
    ['an empty id', forge(['2026-01-01T00:00:00.000000Z', ''])],
    ['an id of 257 characters', forge(['2026-01-01T00:00:00.000000Z', 'x'.repeat(257)])],
    ['a third element', forge(['2026-01-01T00:00:00.000000Z', 'a1', 'x'])],
    ['not JSON', 'bm90LWEtY3Vyc29y'],
  ])('%s is a ValidationError naming the cursor and what to pass', (_, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor, 'nextCursor');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: 'cursor: not a cursor this API returned; pass the nextCursor of the previous page',
      details: { field: 'cursor' },
    });
  });
});
