import type { Sql } from '../../lib/db/sql';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { decodeCursor, encodeCursor } from '../../lib/keyset-cursor';

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

export interface TransferListQuery {
  state?: string;
  lane?: string;
  /** Transfers into this (target) network. */
  network?: string;
  assetId?: string;
  /** @default 100, at most 1000 */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface TransferPage {
  items: TransferItem[];
  /** Pass as `cursor` for the next page; null when this page is the last one for now. */
  next: string | null;
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

export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;
const DAY_MS = 86_400_000;

// Times leave PostgreSQL as text so both adapters (pg, PGlite) give the same
// strings; the cursor keeps microseconds so no row is skipped or repeated.
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const isoMicros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const COLUMNS = `transfer_id, asset_id, source_network, target_network, state, lane, priority, step,
  bytes_total::text as bytes_total, bytes_done::text as bytes_done, attempts, error, requested_by, last_actor,
  channel, path, sha256, duration_ms::text as duration_ms, version,
  ${iso('created_at')} as created_at, ${iso('updated_at')} as updated_at,
  ${iso('started_at')} as started_at, ${iso('finished_at')} as finished_at,
  ${isoMicros('created_at')} as cursor_at`;

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
  cursor_at: string;
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

function pageLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE}, got ${n}`, { field: 'limit' });
  }
  return n;
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
    async list(query: TransferListQuery = {}): Promise<TransferPage> {
      const limit = pageLimit(query.limit);
      const params: unknown[] = [];
      const param = (v: unknown) => `$${params.push(v)}`;
      const cutoff = new Date(clock().getTime() - historyDays * DAY_MS).toISOString();
      // Unfinished transfers always show; finished_at is null for them.
      const where = [`(finished_at is null or finished_at >= ${param(cutoff)}::timestamptz)`];
      if (query.state) where.push(`state = ${param(query.state)}`);
      if (query.lane) where.push(`lane = ${param(query.lane)}`);
      if (query.network) where.push(`target_network = ${param(query.network)}`);
      if (query.assetId) where.push(`asset_id = ${param(query.assetId)}`);
      if (query.cursor) {
        const [at, id] = decodeCursor(query.cursor, '`next`');
        where.push(`(created_at, transfer_id) < (${param(at)}::timestamptz, ${param(id)})`);
      }
      const rows = await sql.query<Row>(
        `select ${COLUMNS} from rm_transfers where ${where.join(' and ')}
          order by created_at desc, transfer_id desc limit ${param(limit + 1)}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(item),
        next: rows.length > limit && last ? encodeCursor(last.cursor_at, last.transfer_id) : null,
      };
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
  };
}

export type TransferQueries = ReturnType<typeof createTransferQueries>;
