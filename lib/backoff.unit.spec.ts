import { backoff } from './backoff';

describe('backoff', () => {
  test('base after the first failure, doubled after each further one, capped', () => {
    const policy = { baseMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoff(n, policy))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoff(0, policy)).toBe(1000);
    expect(backoff(10_000, policy)).toBe(30_000);
  });

  test('jitter spreads a delay over its upper half', () => {
    const policy = { baseMs: 1000, maxMs: 30_000, jitter: true };
    expect(backoff(3, policy, () => 0)).toBe(2000);
    expect(backoff(3, policy, () => 1)).toBe(4000);
    expect(backoff(3, policy, () => 0.5)).toBe(3000);
  });
});
