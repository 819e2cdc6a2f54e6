import type { Sql } from '../../../lib/db/sql';
import { NotFoundError } from '../../../lib/errors';
import { isoText as iso } from '../../../lib/keyset-cursor';
import type { ReplicaKind } from '../../../events/catalog/common';

export type ReplicaState = 'ok' | 'missing' | 'corrupt' | 'evicted' | 'taken';

/** One replica as the store's read model holds it. */
export interface Replica {
  assetId: string;
  network: string;
  kind: ReplicaKind;
  path: string;
  sha256: string;
  /** Null only for a replica of an asset the store never saw ingested (none in practice). */
  sizeBytes: number | null;
  state: ReplicaState;
  storedAt: string;
  verifiedAt: string | null;
  lastReadAt: string | null;
}

/** What the store knows of an asset: enough to serve and fetch it. */
export interface StoreAsset {
  assetId: string;
  sourceNetwork: string;
  originalName: string;
  sizeBytes: number;
  sha256: string | null;
  /** `screening` until screening let it out (`cleared`) or refused it (`quarantined`); `deleted` after an admin did. */
  status: 'screening' | 'cleared' | 'quarantined' | 'deleted';
}

const REPLICA_COLUMNS = `asset_id as "assetId", network, kind, path, sha256, size_bytes::text as "sizeBytes", state,
  ${iso('stored_at')} as "storedAt", ${iso('verified_at')} as "verifiedAt", ${iso('last_read_at')} as "lastReadAt"`;

type ReplicaRow = Omit<Replica, 'sizeBytes'> & { sizeBytes: string | null };
const toReplica = (r: ReplicaRow): Replica => ({ ...r, sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes) });

/** Options of `replicasOnNode`. */
export interface NodeReplicaQuery {
  state?: ReplicaState;
  kind?: ReplicaKind;
  /**
   * `verified` (oldest verification first, for a fixity audit), `read` (least
   * recently read first, never read first, for eviction) or `stored`.
   * @default 'stored'
   */
  order?: 'verified' | 'read' | 'stored';
  /** @default 1000 */
  limit?: number;
}

const ORDER = {
  verified: 'verified_at asc nulls first, stored_at, asset_id',
  read: 'coalesce(last_read_at, stored_at) asc, asset_id',
  stored: 'stored_at, asset_id',
} as const;

/**
 * Reads of the store's read model (reader). Exported for the store's other
 * parts (fetch, content, the fixity audit, eviction): they all go through
 * these, never through the tables.
 */
export function createReplicaQueries(sql: Sql) {
  async function replicasOf(assetId: string): Promise<Replica[]> {
    const rows = await sql.query<ReplicaRow>(
      `select ${REPLICA_COLUMNS} from rm_replicas where asset_id = $1 order by network, kind, path`,
      [assetId],
    );
    return rows.map(toReplica);
  }

  return {
    /** Every replica of the asset, whatever its state, by network. */
    replicasOf,

    /** The asset's replicas in state `ok`: the ones that may be read, fetched from or repaired from. */
    async goodReplicas(assetId: string): Promise<Replica[]> {
      return (await replicasOf(assetId)).filter((r) => r.state === 'ok');
    },

    /** Replicas held on one network's node, filtered and ordered as `query` says. */
    async replicasOnNode(network: string, query: NodeReplicaQuery = {}): Promise<Replica[]> {
      const params: unknown[] = [network];
      const where = ['network = $1'];
      if (query.state) where.push(`state = $${params.push(query.state)}`);
      if (query.kind) where.push(`kind = $${params.push(query.kind)}`);
      const limit = params.push(query.limit ?? 1000);
      const rows = await sql.query<ReplicaRow>(
        `select ${REPLICA_COLUMNS} from rm_replicas where ${where.join(' and ')}
          order by ${ORDER[query.order ?? 'stored']} limit $${limit}`,
        params,
      );
      return rows.map(toReplica);
    },

    /** The asset as the store knows it; NotFoundError when it does not (or the read model has not caught up). */
    async asset(assetId: string): Promise<StoreAsset> {
      const [row] = await sql.query<Omit<StoreAsset, 'sizeBytes'> & { sizeBytes: string }>(
        `select asset_id as "assetId", source_network as "sourceNetwork", original_name as "originalName",
                size_bytes::text as "sizeBytes", sha256, status
           from rm_store_assets where asset_id = $1`,
        [assetId],
      );
      if (!row) throw new NotFoundError(`asset ${assetId} does not exist (or the read model has not seen it yet)`);
      return { ...row, sizeBytes: Number(row.sizeBytes) };
    },
  };
}

export type ReplicaQueries = ReturnType<typeof createReplicaQueries>;
