import Redis from 'ioredis';

/** Live progress of one running copy: what `GET /v1/transfers/{id}` and `mxhub tasks` show beside the read model. */
export interface TransferProgress {
  /** While the rendition is made (before the copy): ffmpeg's `-progress` (bytes are then 0). */
  rendering?: { profile: string; outTimeSeconds: number; fraction?: number; speed?: number };
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  channel: string;
  worker: string;
  /** Epoch ms of the report. */
  at: number;
}

/**
 * Where running copies report progress. Progress is not an event (a chunk
 * every few milliseconds would flood the log); it is a board any hub
 * process can read: in-process embedded, Redis when processes share one.
 * Entries expire, so a dead worker's progress disappears by itself.
 */
export interface ProgressBoard {
  report(transferId: string, progress: TransferProgress): void;
  clear(transferId: string): void;
  read(transferIds: string[]): Promise<Record<string, TransferProgress>>;
  close(): Promise<void>;
}

const TTL_MS = 15_000;
/** A copy reports many times a second; the board takes at most this often per transfer. */
const MIN_INTERVAL_MS = 500;

export function createInProcessProgressBoard(): ProgressBoard {
  const entries = new Map<string, TransferProgress>();
  return {
    report: (id, p) => void entries.set(id, p),
    clear: (id) => void entries.delete(id),
    async read(ids) {
      const now = Date.now();
      const out: Record<string, TransferProgress> = {};
      for (const id of ids) {
        const p = entries.get(id);
        if (p && now - p.at < TTL_MS) out[id] = p;
      }
      return out;
    },
    close: async () => entries.clear(),
  };
}

export function createRedisProgressBoard(url: string, prefix: string): ProgressBoard {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', () => undefined);
  const key = (id: string) => `${prefix}:progress:${id}`;
  const last = new Map<string, number>();
  return {
    report(id, p) {
      const previous = last.get(id) ?? 0;
      if (p.at - previous < MIN_INTERVAL_MS && p.bytesDone < p.bytesTotal) return;
      last.set(id, p.at);
      // Best effort: a lost progress report costs a stale figure, never correctness.
      redis.set(key(id), JSON.stringify(p), 'PX', TTL_MS).catch(() => undefined);
    },
    clear(id) {
      last.delete(id);
      redis.del(key(id)).catch(() => undefined);
    },
    async read(ids) {
      if (ids.length === 0) return {};
      const values = await redis.mget(...ids.map(key)).catch(() => [] as Array<string | null>);
      const out: Record<string, TransferProgress> = {};
      ids.forEach((id, i) => {
        const v = values[i];
        if (v) out[id] = JSON.parse(v) as TransferProgress;
      });
      return out;
    },
    async close() {
      redis.disconnect();
    },
  };
}
