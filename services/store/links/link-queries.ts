import type { Sql } from '../../../lib/db/sql';

/** One measured link, as the links read model holds it. */
export interface MeasuredLink {
  from: string;
  to: string;
  /** The EWMA of completed copies. */
  bytesPerSecond: number;
  samples: number;
  lastSample: { bytesPerSecond: number; at: string };
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** Reads of the links read model, and of the bytes each node still has to send. */
export function createLinkQueries(sql: Sql) {
  return {
    async measured(): Promise<MeasuredLink[]> {
      const rows = await sql.query<{
        source_network: string;
        target_network: string;
        bytes_per_second: number;
        samples: number;
        last_bytes_per_second: number;
        last_sample_at: unknown;
      }>(
        `select source_network, target_network, bytes_per_second, samples, last_bytes_per_second, last_sample_at
           from rm_links order by source_network, target_network`,
      );
      return rows.map((r) => ({
        from: r.source_network,
        to: r.target_network,
        bytesPerSecond: Number(r.bytes_per_second),
        samples: Number(r.samples),
        lastSample: { bytesPerSecond: Number(r.last_bytes_per_second), at: iso(r.last_sample_at) },
      }));
    },
    /**
     * Bytes still to copy out of each node: transfers queued, running or
     * paused, by their source (the transfers read model's rows, read here
     * rather than through the transfer service, which the store never imports).
     */
    async queuedBytes(): Promise<Map<string, number>> {
      const rows = await sql.query<{ source_network: string; bytes: string | null }>(
        `select source_network, sum(greatest(coalesce(bytes_total, 0) - bytes_done, 0)) as bytes
           from rm_transfers where state in ('queued', 'running', 'paused') and source_network is not null
          group by source_network`,
      );
      return new Map(rows.map((r) => [r.source_network, Number(r.bytes ?? 0)]));
    },
  };
}

export type LinkQueries = ReturnType<typeof createLinkQueries>;
