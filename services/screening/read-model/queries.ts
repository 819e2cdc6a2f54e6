import type { Sql } from '../../../lib/db/sql';
import { NotFoundError, ValidationError } from '../../../lib/errors';
import {
  DEFAULT_PAGE,
  isoText as iso,
  keysetPage,
  MAX_PAGE,
  sqlParams,
  type KeysetPageQuery,
  type Paged,
} from '../../../lib/keyset-cursor';

import type { AssetListState } from '../../../domain/asset/list-states';

type Json = Record<string, unknown>;

export type AssetState = AssetListState;

/** One asset as the `rm_assets` read model holds it, in the API's camelCase. */
export interface AssetSummary {
  assetId: string;
  state: AssetState;
  sourceNetwork: string | null;
  targets: string[];
  originalName: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Replica {
  network: string;
  path: string;
  sha256: string;
  storedAt: string;
}

/** An asset with its screening record and where copies of it are stored. Never any file content. */
/** What the listing shows of each asset: its state with the verdicts and technical metadata behind it. */
export interface AssetListItem extends AssetSummary {
  verdicts: Json[];
  technical: Json | null;
  quarantine: Json | null;
  deferred: Json | null;
}

/** One transfer of an asset, as the assets read model follows it. */
export interface AssetTransfer {
  transferId: string;
  targetNetwork: string;
  /** queued (also while running, paused or backing off), succeeded, failed or cancelled. */
  state: string;
  /** Where the copy was delivered, once it succeeded. */
  path: string | null;
}

/** A target whose acceptance policy refused the asset: it will not receive it (the others still do). */
export interface Refusal {
  target: string;
  rule: string;
  reason: string;
  at: string;
}

export interface AssetDetail extends AssetListItem {
  sidecar: Json | null;
  refused: Refusal[];
  /** Targets whose policy refused the original but names a house profile: they receive a rendition. */
  renditions: Array<{ target: string; profile: string }>;
  replicas: Replica[];
  transfers: AssetTransfer[];
}

/** One event of an asset's journey, as the audit timeline holds it: content-free. */
export interface TimelineEntry {
  position: string;
  streamId: string;
  version: number;
  type: string;
  actor: string;
  occurredAt: string;
  summary: string;
}

export interface QuarantinedAsset {
  assetId: string;
  originalName: string | null;
  sha256: string | null;
  sourceNetwork: string | null;
  targets: string[];
  sizeBytes: number | null;
  stage: string | null;
  rule: string | null;
  reason: string | null;
  quarantinedAt: string | null;
}

/** A page of assets; `nextCursor` is the deprecated name of `next`, answered for one more release. */
export type AssetPage<T> = Paged<T> & { nextCursor: string | null };

const SUMMARY_COLUMNS = `asset_id, state, source_network, targets, original_name, size_bytes::text as size_bytes, sha256,
  ${iso('created_at')} as created_at, ${iso('updated_at')} as updated_at, version`;

interface SummaryRow {
  asset_id: string;
  state: string;
  source_network: string | null;
  targets: string[];
  original_name: string | null;
  size_bytes: string | null;
  sha256: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

interface DetailRow extends SummaryRow {
  verdicts: Json[];
  technical: Json | null;
  sidecar: Json | null;
  quarantine: Json | null;
  deferred: Json | null;
  refused?: Refusal[];
  renditions?: Array<{ target: string; profile: string }>;
}

// A timeline page ends at a log position: the cursor is that position, opaque to clients (base64url).
const encodePositionCursor = (position: string) => Buffer.from(`p${position}`).toString('base64url');
function decodePositionCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (/^p\d{1,19}$/.test(text)) return text.slice(1);
  throw new ValidationError('cursor: not a cursor this API returned; pass the next of the previous page', {
    field: 'cursor',
  });
}

const toNumber = (v: string | null) => (v === null ? null : Number(v));

const summary = (r: SummaryRow): AssetSummary => ({
  assetId: r.asset_id,
  // The projection writes no other value into rm_assets.state.
  state: r.state as AssetState,
  sourceNetwork: r.source_network,
  targets: r.targets,
  originalName: r.original_name,
  sizeBytes: toNumber(r.size_bytes),
  sha256: r.sha256,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function quarantined(r: DetailRow): QuarantinedAsset {
  const q = r.quarantine ?? {};
  return {
    assetId: r.asset_id,
    originalName: r.original_name,
    sha256: r.sha256,
    sourceNetwork: r.source_network,
    targets: r.targets,
    sizeBytes: toNumber(r.size_bytes),
    stage: str(q.stage),
    rule: str(q.rule),
    reason: str(q.reason),
    quarantinedAt: str(q.at),
  };
}

/**
 * Queries over the assets read model for the API. Pages are keyset-paginated
 * newest first on (created_at, asset_id): unlike an offset, a cursor stays
 * valid while assets arrive, and pages never repeat a row.
 */
export function createAssetQueries(sql: Sql) {
  async function page<R extends SummaryRow, T>(
    columns: string,
    filters: (param: (value: unknown) => string) => string[],
    query: KeysetPageQuery,
    map: (row: R) => T,
  ): Promise<AssetPage<T>> {
    const params = sqlParams();
    const where = filters(params.param);
    const rows = await keysetPage<R>(sql, { table: 'rm_assets', columns, idColumn: 'asset_id', where, params }, query);
    return { items: rows.items.map(map), next: rows.next, nextCursor: rows.next };
  }

  return {
    /** One asset with verdicts, technical metadata, sidecar, quarantine facts and replicas; NotFoundError if unknown. */
    async get(assetId: string): Promise<AssetDetail> {
      const [row] = await sql.query<DetailRow>(
        `select ${SUMMARY_COLUMNS}, verdicts, technical, sidecar, quarantine, deferred, refused, renditions
           from rm_assets where asset_id = $1`,
        [assetId],
      );
      if (!row) throw new NotFoundError(`asset ${assetId} does not exist (or the read model has not seen it yet)`);
      const replicas = await sql.query<Replica>(
        `select network, path, sha256, ${iso('stored_at')} as "storedAt"
           from rm_replicas where asset_id = $1 order by network`,
        [assetId],
      );
      const transfers = await sql.query<AssetTransfer>(
        `select transfer_id as "transferId", target_network as "targetNetwork", state, path
           from rm_asset_transfers where asset_id = $1 order by last_position`,
        [assetId],
      );
      return {
        ...summary(row),
        verdicts: row.verdicts,
        technical: row.technical,
        sidecar: row.sidecar,
        quarantine: row.quarantine,
        deferred: row.deferred,
        refused: row.refused ?? [],
        renditions: row.renditions ?? [],
        replicas,
        transfers,
      };
    },

    /**
     * Every event of the asset's stream and of its transfers' streams, in log
     * order (global position), paged on the position. It reads the audit's
     * timeline (`rm_timeline`), which holds every stream already; the asset's
     * transfers come from this read model. NotFoundError if the asset is unknown.
     */
    async timeline(assetId: string, query: KeysetPageQuery = {}): Promise<Paged<TimelineEntry>> {
      const limit = query.limit ?? DEFAULT_PAGE;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE}, got ${limit}`, { field: 'limit' });
      }
      const after = query.cursor === undefined ? '0' : decodePositionCursor(query.cursor);
      const [known] = await sql.query(`select 1 from rm_assets where asset_id = $1`, [assetId]);
      if (!known) throw new NotFoundError(`asset ${assetId} does not exist (or the read model has not seen it yet)`);
      const rows = await sql.query<TimelineEntry>(
        `select position::text as position, stream_id as "streamId", version, type, actor,
                ${iso('occurred_at')} as "occurredAt", summary
           from rm_timeline
          where stream_id in (select 'asset-' || $1::text
                              union all
                              select 'transfer-' || transfer_id from rm_asset_transfers where asset_id = $1)
            and position > $2::bigint
          order by rm_timeline.position limit $3`,
        [assetId, after, limit + 1],
      );
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? encodePositionCursor(last.position) : null };
    },

    /**
     * Assets in quarantine with the stage, rule and reason that put them there; `visible`: only those
     * from these networks (a quarantined asset is only in its source network).
     */
    async quarantine(query: KeysetPageQuery = {}, visible?: readonly string[]): Promise<AssetPage<QuarantinedAsset>> {
      const filters = (param: (value: unknown) => string) => [
        `state = 'quarantined'`,
        ...(visible ? [`source_network = any(${param([...visible])}::text[])`] : []),
      ];
      return page(`${SUMMARY_COLUMNS}, quarantine`, filters, query, quarantined);
    },

    /** Assets whose screening is not finished (or starts again after a release), oldest first: the sweep's work. */
    async awaitingScreening(): Promise<string[]> {
      const rows = await sql.query<{ asset_id: string }>(
        `select asset_id from rm_assets where state in ('detected', 'ingested', 'screening', 'released')
          order by created_at`,
      );
      return rows.map((r) => r.asset_id);
    },

    /** Deleted assets, whose files the sweep removes again in case a crash left them. */
    async deleted(): Promise<Array<{ assetId: string; sourceNetwork: string }>> {
      return sql.query<{ assetId: string; sourceNetwork: string }>(
        `select asset_id as "assetId", source_network as "sourceNetwork" from rm_assets where state = 'deleted'`,
      );
    },

    /** How many assets are in each state (for status and metrics). */
    async countByState(): Promise<Record<string, number>> {
      const rows = await sql.query<{ state: string; n: number }>(
        'select state, count(*)::int as n from rm_assets group by state order by state',
      );
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },
  };
}

export type AssetQueries = ReturnType<typeof createAssetQueries>;
