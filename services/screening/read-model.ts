import type { Sql } from '../../lib/db/sql';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { decodeCursor, encodeCursor } from '../../lib/keyset-cursor';

type Json = Record<string, unknown>;

/** One asset as the `rm_assets` read model holds it, in the API's camelCase. */
export interface AssetSummary {
  assetId: string;
  state: string;
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

export interface AssetDetail extends AssetListItem {
  sidecar: Json | null;
  replicas: Replica[];
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

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null when this page is the last one for now. */
  nextCursor: string | null;
}

export interface PageQuery {
  /** @default 100, at most 1000 */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AssetListQuery extends PageQuery {
  state?: string;
  sourceNetwork?: string;
  /** Assets sent to this network. */
  target?: string;
}

export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

// Times leave PostgreSQL as text so both adapters (pg, PGlite) give the same
// strings; the cursor keeps microseconds so no row is skipped or repeated.
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const isoMicros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const SUMMARY_COLUMNS = `asset_id, state, source_network, targets, original_name, size_bytes::text as size_bytes, sha256,
  ${iso('created_at')} as created_at, ${iso('updated_at')} as updated_at, version,
  ${isoMicros('created_at')} as cursor_at`;

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
  cursor_at: string;
}

interface DetailRow extends SummaryRow {
  verdicts: Json[];
  technical: Json | null;
  sidecar: Json | null;
  quarantine: Json | null;
  deferred: Json | null;
}

const toNumber = (v: string | null) => (v === null ? null : Number(v));

const summary = (r: SummaryRow): AssetSummary => ({
  assetId: r.asset_id,
  state: r.state,
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

function pageLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE}, got ${n}`, { field: 'limit' });
  }
  return n;
}

/**
 * Queries over the assets read model for the API. Pages are keyset-paginated
 * newest first on (created_at, asset_id): unlike an offset, a cursor stays
 * valid while assets arrive, and pages never repeat a row.
 */
export function createAssetQueries(sql: Sql) {
  async function page<R extends SummaryRow>(
    columns: string,
    filters: (param: (value: unknown) => string) => string[],
    query: PageQuery,
  ): Promise<{ rows: R[]; nextCursor: string | null }> {
    const limit = pageLimit(query.limit);
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    const where = filters(param);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 'nextCursor');
      where.push(`(created_at, asset_id) < (${param(at)}::timestamptz, ${param(id)})`);
    }
    const rows = await sql.query<R>(
      `select ${columns} from rm_assets ${where.length ? `where ${where.join(' and ')}` : ''}
        order by created_at desc, asset_id desc limit ${param(limit + 1)}`,
      params,
    );
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { rows: items, nextCursor: more && last ? encodeCursor(last.cursor_at, last.asset_id) : null };
  }

  return {
    async list(query: AssetListQuery = {}): Promise<Page<AssetListItem>> {
      const filters = (param: (value: unknown) => string) => [
        ...(query.state ? [`state = ${param(query.state)}`] : []),
        ...(query.sourceNetwork ? [`source_network = ${param(query.sourceNetwork)}`] : []),
        ...(query.target ? [`targets @> ${param(JSON.stringify([query.target]))}::jsonb`] : []),
      ];
      const { rows, nextCursor } = await page<DetailRow>(
        `${SUMMARY_COLUMNS}, verdicts, technical, quarantine, deferred`,
        filters,
        query,
      );
      return {
        items: rows.map((r) => ({
          ...summary(r),
          verdicts: r.verdicts,
          technical: r.technical,
          quarantine: r.quarantine,
          deferred: r.deferred,
        })),
        nextCursor,
      };
    },

    /** One asset with verdicts, technical metadata, sidecar, quarantine facts and replicas; NotFoundError if unknown. */
    async get(assetId: string): Promise<AssetDetail> {
      const [row] = await sql.query<DetailRow>(
        `select ${SUMMARY_COLUMNS}, verdicts, technical, sidecar, quarantine, deferred
           from rm_assets where asset_id = $1`,
        [assetId],
      );
      if (!row) throw new NotFoundError(`asset ${assetId} does not exist (or the read model has not seen it yet)`);
      const replicas = await sql.query<Replica>(
        `select network, path, sha256, ${iso('stored_at')} as "storedAt"
           from rm_replicas where asset_id = $1 order by network`,
        [assetId],
      );
      return {
        ...summary(row),
        verdicts: row.verdicts,
        technical: row.technical,
        sidecar: row.sidecar,
        quarantine: row.quarantine,
        deferred: row.deferred,
        replicas,
      };
    },

    /** Assets in quarantine with the stage, rule and reason that put them there. */
    async quarantine(query: PageQuery = {}): Promise<Page<QuarantinedAsset>> {
      const { rows, nextCursor } = await page<DetailRow>(
        `${SUMMARY_COLUMNS}, quarantine`,
        () => [`state = 'quarantined'`],
        query,
      );
      return { items: rows.map(quarantined), nextCursor };
    },
  };
}

export type AssetQueries = ReturnType<typeof createAssetQueries>;
