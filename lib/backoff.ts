/** How retries back off: the hub's one policy, shared by the work queues, the saga, the relay and the connectors. */
export interface BackoffOptions {
  /** Delay after the first failure, milliseconds. */
  baseMs: number;
  /** Largest delay, milliseconds. */
  maxMs: number;
  /**
   * Spread each delay uniformly over its upper half ([delay / 2, delay]), so that many retries that failed
   * together (a broker or disk that came back) do not all come back at the same instant. @default false
   */
  jitter?: boolean;
}

/**
 * Exponential backoff: `baseMs` after the first failure, doubled after each further one, never above
 * `maxMs`. `failures` counts from 1; anything below is taken as 1. `random` is there for tests.
 */
export function backoff(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  // The exponent is bounded so 2 ** n stays finite for any count; maxMs caps long before that.
  const exponent = Math.min(Math.max(0, failures - 1), 52);
  const delay = Math.min(options.baseMs * 2 ** exponent, options.maxMs);
  return options.jitter ? Math.round(delay / 2 + random() * (delay / 2)) : delay;
}
