import { createTokenBucket } from './throttle';

describe('token bucket', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Starts a take and reports whether it has resolved, without waiting for it. */
  function track(promise: Promise<void>) {
    const state = { done: false, error: undefined as unknown };
    promise.then(
      () => (state.done = true),
      (err: unknown) => (state.error = err),
    );
    return state;
  }

  it('lets everything through at once when unlimited', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: null });
    const t = track(bucket.take(1_000_000_000));
    await jest.advanceTimersByTimeAsync(0);
    expect(t.done).toBe(true);
  });

  it('passes the burst at once, then holds the rest to the rate', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: 1000, burstBytes: 1000 });
    const first = track(bucket.take(1000));
    const second = track(bucket.take(1000));
    await jest.advanceTimersByTimeAsync(0);
    expect(first.done).toBe(true);
    expect(second.done).toBe(false);
    await jest.advanceTimersByTimeAsync(999);
    expect(second.done).toBe(false);
    await jest.advanceTimersByTimeAsync(2);
    expect(second.done).toBe(true);
  });

  it('serves takers in arrival order', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: 100, burstBytes: 100 });
    const order: number[] = [];
    const takes = [1, 2, 3].map((n) => bucket.take(100).then(() => order.push(n)));
    await jest.advanceTimersByTimeAsync(5000);
    await Promise.all(takes);
    expect(order).toEqual([1, 2, 3]);
  });

  it('lets a chunk larger than the burst through and makes the next taker pay for it', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: 1000, burstBytes: 500 });
    const big = track(bucket.take(2000));
    const next = track(bucket.take(500));
    await jest.advanceTimersByTimeAsync(0);
    expect(big.done).toBe(true);
    await jest.advanceTimersByTimeAsync(1900);
    expect(next.done).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    expect(next.done).toBe(true);
  });

  it('applies a new rate to takers already waiting', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: 10, burstBytes: 1000 });
    await bucket.take(1000);
    const waiting = track(bucket.take(1000));
    await jest.advanceTimersByTimeAsync(1000);
    expect(waiting.done).toBe(false); // would need 100 s at 10 B/s
    bucket.setRate(1000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(waiting.done).toBe(true);
    expect(bucket.rate()).toBe(1000);
  });

  it('releases every waiter when set to unlimited', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: 1, burstBytes: 1 });
    const takes = [track(bucket.take(1)), track(bucket.take(1000)), track(bucket.take(1000))];
    bucket.setRate(null);
    await jest.advanceTimersByTimeAsync(0);
    expect(takes.every((t) => t.done)).toBe(true);
  });

  it('rejects a waiting take when its signal aborts, and the next one moves up', async () => {
    const bucket = createTokenBucket({ bytesPerSecond: 1000, burstBytes: 1000 });
    await bucket.take(1000);
    const controller = new AbortController();
    const aborted = track(bucket.take(1000, controller.signal));
    const after = track(bucket.take(1000));
    controller.abort(new Error('paused'));
    await jest.advanceTimersByTimeAsync(0);
    expect((aborted.error as Error).message).toBe('paused');
    await jest.advanceTimersByTimeAsync(1001);
    expect(after.done).toBe(true);
  });

  it('refuses rates that are not positive numbers', () => {
    expect(() => createTokenBucket({ bytesPerSecond: 0 })).toThrow(/positive number or null/);
    expect(() => createTokenBucket({ bytesPerSecond: 1 }).setRate(-5)).toThrow(/positive number or null/);
  });
});
