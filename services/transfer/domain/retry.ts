import { backoff } from '../../../lib/backoff';

/** How long a transfer waits before its next attempt after `attempts` failed ones: 1 s, doubling, at most 30 s. */
export const retryDelayMs = (attempts: number) => backoff(attempts + 1, { baseMs: 1000, maxMs: 30_000 });
