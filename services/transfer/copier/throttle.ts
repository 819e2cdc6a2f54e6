/**
 * A bandwidth cap a copy passes each chunk through. One bucket is shared by
 * every copy it limits (a lane's, a network's), so the cap holds for their sum.
 */
export interface Throttle {
  /**
   * Resolves when `bytes` may be sent. Waiters are served in arrival order.
   * Rejects with the signal's reason when `signal` aborts while waiting.
   */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
  /** Changes the rate at run time (null = unlimited); waiting takers are re-timed at the new rate. */
  setRate(bytesPerSecond: number | null): void;
  /** The current rate, null when unlimited. */
  rate(): number | null;
}

export interface TokenBucketOptions {
  /** Sustained rate; null for unlimited. */
  bytesPerSecond: number | null;
  /**
   * How many bytes may pass at once after an idle spell; the bucket starts
   * this full. A take larger than the burst still passes: it empties the
   * bucket and the excess is paid for by the takers after it, so copies take
   * in slices (copy-step.ts) for the cap to hold from the first byte. Kept
   * small: a burst of a whole 4 MiB chunk let 4 MiB through unthrottled at
   * the start of every copy. @default 64 KiB
   */
  burstBytes?: number;
}

export const DEFAULT_BURST_BYTES = 64 * 1024;

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A token bucket (the seed's speed allocation per lane and per network).
 * Time comes from `Date.now` and `setTimeout`, so tests drive it with fake timers.
 */
export function createTokenBucket(options: TokenBucketOptions): Throttle {
  const burst = options.burstBytes ?? DEFAULT_BURST_BYTES;
  if (!(burst > 0)) throw new RangeError(`burstBytes must be positive, got ${burst}`);
  let rate = checkedRate(options.bytesPerSecond);
  let tokens = burst;
  let last = Date.now();
  const queue: Waiter[] = [];
  let timer: NodeJS.Timeout | undefined;

  function refill(): void {
    const now = Date.now();
    if (rate !== null) tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
    last = now;
  }

  function settle(w: Waiter): void {
    w.signal?.removeEventListener('abort', w.onAbort);
    w.resolve();
  }

  // One timer for the head of the queue: later waiters cannot pass it, so
  // timing them separately would only make wake-ups that find nothing to do.
  function pump(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    refill();
    while (queue.length > 0) {
      const head = queue[0]!;
      if (rate === null) {
        queue.shift();
        settle(head);
        continue;
      }
      const need = Math.min(head.bytes, burst);
      if (tokens < need) {
        timer = setTimeout(pump, Math.max(1, Math.ceil(((need - tokens) * 1000) / rate)));
        return;
      }
      tokens -= head.bytes; // may go below zero: the debt of a chunk larger than the burst
      queue.shift();
      settle(head);
    }
  }

  return {
    take(bytes, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (rate === null && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const w: Waiter = {
          bytes,
          resolve,
          reject,
          signal,
          onAbort: () => {
            const i = queue.indexOf(w);
            if (i >= 0) queue.splice(i, 1);
            reject(signal!.reason);
            if (i === 0) pump();
          },
        };
        signal?.addEventListener('abort', w.onAbort, { once: true });
        queue.push(w);
        pump();
      });
    },
    setRate(bytesPerSecond) {
      refill(); // bytes earned so far are earned at the old rate
      rate = checkedRate(bytesPerSecond);
      if (rate === null) tokens = burst;
      pump();
    },
    rate: () => rate,
  };
}

function checkedRate(bytesPerSecond: number | null): number | null {
  if (bytesPerSecond === null) return null;
  if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond))
    throw new RangeError(`bytesPerSecond must be a positive number or null (unlimited), got ${bytesPerSecond}`);
  return bytesPerSecond;
}
