/**
 * The rate of a copy over a sliding window: what `tasks list` and the API
 * show, and what the ETA divides by. An average since the start overstates a
 * copy that began fast (a burst, a warm cache) for minutes; a per-chunk rate
 * jumps with every chunk. The window forgets both.
 */
export interface RateMeter {
  /** Records that `bytesDone` bytes were done at `at` (epoch ms); `bytesDone` never goes down. */
  add(at: number, bytesDone: number): void;
  /** Bytes per second over the window ending at the last sample; 0 until two samples span some time. */
  rate(): number;
}

export interface RateMeterOptions {
  /** How far back the rate looks. @default 5000 ms */
  windowMs?: number;
}

export function createRateMeter(options: RateMeterOptions = {}): RateMeter {
  const windowMs = options.windowMs ?? 5000;
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  const samples: Array<{ at: number; bytes: number }> = [];
  return {
    add(at, bytesDone) {
      samples.push({ at, bytes: bytesDone });
      // Keep one sample at or before the window's start, so the window is always fully spanned.
      while (samples.length > 2 && samples[1]!.at <= at - windowMs) samples.shift();
    },
    rate() {
      const first = samples[0];
      const last = samples.at(-1);
      if (!first || !last || last.at <= first.at) return 0;
      return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
    },
  };
}
