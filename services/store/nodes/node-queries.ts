import type { Sql } from '../../../lib/db/sql';

/** Replicas whose bytes a node holds, per kind. */
export type ReplicaUsage = Record<'origin' | 'delivered' | 'cached', { count: number; bytes: number }>;

const emptyUsage = (): ReplicaUsage => ({
  origin: { count: 0, bytes: 0 },
  delivered: { count: 0, bytes: 0 },
  cached: { count: 0, bytes: 0 },
});

/**
 * What the replica catalog (the store's read model, `rm_replicas`) says each
 * node holds: replicas whose file should be there (not missing, not
 * evicted), counted and summed per kind.
 */
export function createNodeQueries(sql: Sql) {
  return {
    async usage(): Promise<Map<string, ReplicaUsage>> {
      const rows = await sql.query<{ network: string; kind: string; n: string; bytes: string | null }>(
        `select network, kind, count(*) as n, sum(size_bytes) as bytes from rm_replicas
          where state not in ('missing', 'evicted', 'taken') group by network, kind`,
      );
      const out = new Map<string, ReplicaUsage>();
      for (const r of rows) {
        const usage = out.get(r.network) ?? emptyUsage();
        if (r.kind === 'origin' || r.kind === 'delivered' || r.kind === 'cached')
          usage[r.kind] = { count: Number(r.n), bytes: Number(r.bytes ?? 0) };
        out.set(r.network, usage);
      }
      return out;
    },
    emptyUsage,
  };
}

export type NodeQueries = ReturnType<typeof createNodeQueries>;
