import type { LinkStats } from '../domain/choose-source';
import type { LinkQueries } from './link-queries';

/** A configured link's nominal speed, megabits per second. */
export interface NominalLink {
  from: string;
  to: string;
  mbps: number;
}

export interface LinkStatsOptions {
  /** How often the measured links and queued bytes are read again. @default 2000 */
  refreshMs?: number;
}

export interface LinkStatsDeps {
  queries: Pick<LinkQueries, 'measured' | 'queuedBytes'>;
  /** Configured nominal speeds; a pair not listed is unlimited. */
  nominal: readonly NominalLink[];
  /** Whether a node is up now (the layout monitor's last probe). */
  isUp: (network: string) => boolean;
}

const key = (from: string, to: string) => `${from}\u0000${to}`;

/** Megabits per second as bytes per second. */
export const mbpsToBytes = (mbps: number) => (mbps * 1_000_000) / 8;

/**
 * The store's `LinkStats` (services/store/domain/choose-source.ts), answered
 * from memory as the port asks: the measured links (EWMA, else the nominal
 * speed) and each node's queued bytes are read every `refreshMs` and by
 * `refresh()`; whether a node is up is read live from the monitor.
 */
export function createLinkStats(deps: LinkStatsDeps, options: LinkStatsOptions = {}) {
  const refreshMs = options.refreshMs ?? 2000;
  const nominal = new Map(deps.nominal.map((l) => [key(l.from, l.to), mbpsToBytes(l.mbps)]));
  let rates = new Map<string, number>();
  let queued = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  async function refresh(): Promise<void> {
    const [measured, q] = await Promise.all([deps.queries.measured(), deps.queries.queuedBytes()]);
    rates = new Map(measured.map((l) => [key(l.from, l.to), l.bytesPerSecond]));
    queued = q;
  }

  const stats: LinkStats = {
    bytesPerSecond: (from, to) => rates.get(key(from, to)) ?? nominal.get(key(from, to)),
    queuedBytes: (network) => queued.get(network) ?? 0,
    isUp: (network) => deps.isUp(network),
  };

  return {
    ...stats,
    /** Reads the measured links and queued bytes now (a caller about to choose may want fresh figures). */
    refresh,
    /** Reads once, then every `refreshMs` (a failed read keeps the last figures). */
    async start(): Promise<void> {
      await refresh();
      const tick = () => {
        timer = setTimeout(
          () =>
            void refresh()
              .catch(() => undefined)
              .finally(() => timer && tick()),
          refreshMs,
        );
        timer.unref();
      };
      tick();
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

export type LinkStatsAdapter = ReturnType<typeof createLinkStats>;
