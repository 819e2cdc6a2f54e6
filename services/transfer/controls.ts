import type { Logger } from 'pino';
import { LANES } from '../../events/catalog/common';
import type { Lane } from './domain/transfer';
import type { TransferQueries } from './read-model/queries';

/** A token bucket the copier passes chunks through (services/transfer/copier/throttle.ts). */
export interface RateLimited {
  setRate(bytesPerSecond: number | null): void;
}

export interface ControlsDeps<T extends RateLimited> {
  queries: Pick<TransferQueries, 'lanes' | 'networks'>;
  /** Makes a token bucket at a rate (bytes per second, null = unlimited). */
  bucket: (bytesPerSecond: number | null) => T;
  defaults: { channels: Record<Lane, number>; laneMbps: Record<Lane, number | null> };
  /** Called when an admin changes a lane's channels per process. */
  onChannels: (lane: Lane, channels: number) => void;
  /** Called when a network is resumed, so its waiting transfers are queued again. */
  onNetworkResumed?: (network: string) => void;
  logger: Logger;
}

const bytesPerSecond = (mbps: number | null | undefined) => (mbps ? (mbps * 1_000_000) / 8 : null);

/**
 * The admin controls every hub process applies: paused networks, bandwidth
 * per lane and per network (token buckets shared by all copies of this
 * process), channels per lane. They come from the controls read model, so
 * a change made through any process reaches all of them within a poll.
 */
export function createTransferControls<T extends RateLimited>(
  deps: ControlsDeps<T>,
  options: { pollMs?: number } = {},
) {
  const paused = new Set<string>();
  const laneBuckets: Record<Lane, T> = {
    urgent: deps.bucket(bytesPerSecond(deps.defaults.laneMbps.urgent)),
    normal: deps.bucket(bytesPerSecond(deps.defaults.laneMbps.normal)),
  };
  const networkBuckets = new Map<string, T>();
  const channels: Record<Lane, number> = { ...deps.defaults.channels };
  let timer: NodeJS.Timeout | undefined;

  const networkBucket = (network: string) => {
    let b = networkBuckets.get(network);
    if (!b) networkBuckets.set(network, (b = deps.bucket(null)));
    return b;
  };

  async function refresh(): Promise<void> {
    for (const n of await deps.queries.networks()) {
      if (n.paused) paused.add(n.network);
      else if (paused.delete(n.network)) deps.onNetworkResumed?.(n.network);
      networkBucket(n.network).setRate(bytesPerSecond(n.bandwidthMbps));
    }
    for (const l of await deps.queries.lanes()) {
      const lane = LANES.find((name) => name === l.lane);
      if (!lane) continue;
      // No admin figure (never set, or set to unlimited) falls back to the configured cap.
      laneBuckets[lane].setRate(bytesPerSecond(l.bandwidthMbps ?? deps.defaults.laneMbps[lane]));
      const wanted = l.channels ?? deps.defaults.channels[lane];
      if (wanted !== channels[lane]) {
        channels[lane] = wanted;
        deps.onChannels(lane, wanted);
      }
    }
  }

  return {
    refresh,
    isPaused: (network: string) => paused.has(network),
    throttles: (lane: string, network: string): T[] => [
      laneBuckets[lane as Lane] ?? laneBuckets.normal,
      networkBucket(network),
    ],
    channels: () => ({ ...channels }),
    async start(): Promise<void> {
      await refresh();
      timer = setInterval(() => {
        refresh().catch((err) => deps.logger.warn({ err }, 'reading transfer controls failed; keeping the last ones'));
      }, options.pollMs ?? 1000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}

export type TransferControls = ReturnType<typeof createTransferControls>;
