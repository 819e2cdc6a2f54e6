import { DEFAULT_LOCKOUT, lockedFor, recordFailure, type FailureCounter } from './lockout';

const T0 = new Date('2026-12-04T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('lockout arithmetic', () => {
  test('the 5th failure within the window locks for lockSeconds; Retry-After counts down', () => {
    let c: FailureCounter | undefined;
    for (let i = 1; i <= 4; i++) {
      const r = recordFailure(c, at(i), 5, DEFAULT_LOCKOUT);
      expect(r.lockedNow).toBe(false);
      c = r.counter;
    }
    expect(c!.failures).toBe(4);
    expect(lockedFor(c, at(5))).toBe(0);
    const r = recordFailure(c, at(5), 5, DEFAULT_LOCKOUT);
    expect(r.lockedNow).toBe(true);
    expect(lockedFor(r.counter, at(5))).toBe(900);
    expect(lockedFor(r.counter, at(5 + 899.5))).toBe(1);
    expect(lockedFor(r.counter, at(5 + 900))).toBe(0);
  });

  test('failures older than the window start again at 1', () => {
    const c: FailureCounter = { failures: 4, windowStart: T0 };
    expect(recordFailure(c, at(900), 5, DEFAULT_LOCKOUT)).toEqual({
      counter: { failures: 1, windowStart: at(900) },
      lockedNow: false,
    });
    expect(recordFailure(c, at(899), 5, DEFAULT_LOCKOUT).lockedNow).toBe(true);
  });

  test('the per-address limit is its own maximum', () => {
    let c: FailureCounter | undefined;
    let locked = 0;
    for (let i = 1; i <= 20; i++) {
      const r = recordFailure(c, at(i), DEFAULT_LOCKOUT.perAddressMaxFailures, DEFAULT_LOCKOUT);
      c = r.counter;
      if (r.lockedNow) locked = i;
    }
    expect(locked).toBe(20);
  });

  test('no counter, no lock', () => {
    expect(lockedFor(undefined, T0)).toBe(0);
  });
});
