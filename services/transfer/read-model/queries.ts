import type { Sql } from '../../../lib/db/sql';
import { NotFoundError, ValidationError } from '../../../lib/errors';
import { isoText as iso, keysetPage, sqlParams, type KeysetPageQuery, type Paged } from '../../../lib/keyset-cursor';
import type { Lane } from '../domain/transfer';

/** The states of a transfer task in the read model (and the listing's `state` filter). */
export const TRANSFER_STATES = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled'] as const;

/** One transfer as the `rm_transfers` read model holds it, in the API's camelCase. */
export interface TransferItem {
  id: string;
  assetId: string;
  sourceNetwork: string | null;
  targetNetwork: string;
  state: string;
  lane: string;
  /** 1 (highest) to 10. */
  priority: number;
  /** The last saga step recorded: requested, started, reserved, verified, committed, registered, compensated. */
  step: string | null;
  bytesTotal: number | null;
  bytesDone: number;
  attempts: number;
  error: string | null;
  requestedBy: string | null;
  lastActor: string | null;
  channel: string | null;
  path: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** From the first start to the commit, across pauses and retries (succeeded transfers). */
  durationMs: number | null;
  /** Average rate of a succeeded transfer; the routes put the live rate of a running one here. */
  bytesPerSecond: number | null;
  /** Version of the transfer stream the row reflects. */
  version: number;
}

export interface TransferDetail extends TransferItem {
  sha256: string | null;
}

export interface TransferListQuery extends KeysetPageQuery {
  state?: string;
  lane?: string;
  /** Transfers into this (target) network. */
  network?: string;
  assetId?: string;
}

/** A transfer the sweep queues again, in the order the lanes serve them. */
export interface WaitingTransfer {
  transferId: string;
  lane: Lane;
  priority: number;
  targetNetwork: string;
}

export interface LaneRow {
  lane: string;
  /** Channels per process an admin set; null = the process's configured default. */
  channels: number | null;
  bandwidthMbps: number | null;
}

export interface NetworkRow {
  network: string;
  paused: boolean;
  reason: string | null;
  bandwidthMbps: number | null;
}

export interface TransferQueriesOptions {
  /**
   * Finished transfers (succeeded, failed, cancelled) older than this drop
   * out of the listing. Only the listing: `get` still answers, and the
   * events stay in the log, so a replay or an audit loses nothing.
   * @default 90
   */
  historyDays?: number;
  /** @default () => new Date() */
  clock?: () => Date;
}

const DAY_MS = 86_400_000;

const COLUMNS = `transfer_id, asset_id, source_network, target_network, state, lane, priority, step,
  bytes_total::text as bytes_total, bytes_done::text as bytes_done, attempts, error, requested_by, last_actor,
  channel, path, sha256, duration_ms::text as duration_ms, version,
  ${iso('created_at')} as created_at, ${iso('updated_at')} as updated_at,
  ${iso('started_at')} as started_at, ${iso('finished_at')} as finished_at`;

interface Row {
  transfer_id: string;
  asset_id: string;
  source_network: string | null;
  target_network: string;
  state: string;
  lane: string;
  priority: number;
  step: string | null;
  bytes_total: string | null;
  bytes_done: string;
  attempts: number;
  error: string | null;
  requested_by: string | null;
  last_actor: string | null;
  channel: string | null;
  path: string | null;
  sha256: string | null;
  duration_ms: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toNumber = (v: string | null) => (v === null ? null : Number(v));

function item(r: Row): TransferItem {
  const bytesTotal = toNumber(r.bytes_total);
  const durationMs = toNumber(r.duration_ms);
  return {
    id: r.transfer_id,
    assetId: r.asset_id,
    sourceNetwork: r.source_network,
    targetNetwork: r.target_network,
    state: r.state,
    lane: r.lane,
    priority: r.priority,
    step: r.step,
    bytesTotal,
    bytesDone: Number(r.bytes_done),
    attempts: r.attempts,
    error: r.error,
    requestedBy: r.requested_by,
    lastActor: r.last_actor,
    channel: r.channel,
    path: r.path,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs,
    bytesPerSecond:
      r.state === 'succeeded' && bytesTotal !== null && durationMs
        ? Math.round((bytesTotal * 1000) / durationMs)
        : null,
    version: r.version,
  };
}

/**
 * Queries over the transfers and controls read models for the API. The
 * listing is keyset-paginated newest first on (created_at, transfer_id), so
 * a cursor stays valid while transfers arrive and pages never repeat a row.
 */
export function createTransferQueries(sql: Sql, options: TransferQueriesOptions = {}) {
  const historyDays = options.historyDays ?? 90;
  const clock = options.clock ?? (() => new Date());
  if (!(historyDays > 0)) throw new ValidationError(`historyDays: must be above 0, got ${historyDays}`);

  return {
    /** Newest first; `visible`: only transfers from or into these networks. */
    async list(query: TransferListQuery = {}, visible?: readonly string[]): Promise<Paged<TransferItem>> {
      const params = sqlParams();
      const { param } = params;
      const cutoff = new Date(clock().getTime() - historyDays * DAY_MS).toISOString();
      // Unfinished transfers always show; finished_at is null for them.
      const where = [`(finished_at is null or finished_at >= ${param(cutoff)}::timestamptz)`];
      if (query.state) where.push(`state = ${param(query.state)}`);
      if (query.lane) where.push(`lane = ${param(query.lane)}`);
      if (query.network) where.push(`target_network = ${param(query.network)}`);
      if (query.assetId) where.push(`asset_id = ${param(query.assetId)}`);
      if (visible) {
        const scope = param([...visible]);
        where.push(`(source_network = any(${scope}::text[]) or target_network = any(${scope}::text[]))`);
      }
      const page = await keysetPage<Row>(
        sql,
        { table: 'rm_transfers', columns: COLUMNS, idColumn: 'transfer_id', where, params },
        query,
      );
      return { items: page.items.map(item), next: page.next };
    },

    /** One transfer, finished long ago or not; NotFoundError if unknown. */
    async get(id: string): Promise<TransferDetail> {
      const [row] = await sql.query<Row>(`select ${COLUMNS} from rm_transfers where transfer_id = $1`, [id]);
      if (!row) throw new NotFoundError(`transfer ${id} does not exist (or the read model has not seen it yet)`);
      return { ...item(row), sha256: row.sha256 };
    },

    /** Lane settings an admin made (rm_lanes); a lane never configured has no row. */
    async lanes(): Promise<LaneRow[]> {
      return sql.query<LaneRow>(`select lane, channels, bandwidth_mbps as "bandwidthMbps" from rm_lanes order by lane`);
    },

    /** Network controls an admin made (rm_networks); a network never touched has no row. */
    async networks(): Promise<NetworkRow[]> {
      return sql.query<NetworkRow>(
        `select network, paused, reason, bandwidth_mbps as "bandwidthMbps" from rm_networks order by network`,
      );
    },

    /**
     * Cleared assets with fewer transfers than targets: their requests were
     * lost (a consumer offset, a crash) and are asked for again. It reads
     * `rm_assets` beside `rm_transfers` because the question is the transfer
     * service's: which of its transfers should exist and do not.
     */
    async clearedWithoutTransfers(): Promise<string[]> {
      const rows = await sql.query<{ asset_id: string }>(
        `select a.asset_id from rm_assets a
          where a.state = 'cleared'
            and (select count(*) from rm_transfers t where t.asset_id = a.asset_id) < jsonb_array_length(a.targets)`,
      );
      return rows.map((r) => r.asset_id);
    },

    /**
     * Transfers to queue (optionally into one network): waiting or running
     * ones, and failed or cancelled ones whose effects are not compensated
     * yet. In the order the lanes would serve them, so idle channels do not
     * grab a normal task before the urgent ones are in.
     */
    async waiting(filter: { network?: string } = {}): Promise<WaitingTransfer[]> {
      return sql.query<WaitingTransfer>(
        `select transfer_id as "transferId", lane, priority, target_network as "targetNetwork" from rm_transfers
          where (state in ('queued', 'running')
                 or (state in ('failed', 'cancelled') and started_at is not null and step <> 'compensated'))
            and ($1::text is null or target_network = $1)
          order by (lane = 'urgent') desc, priority, created_at`,
        [filter.network ?? null],
      );
    },
  };
}

export type TransferQueries = ReturnType<typeof createTransferQueries>;
