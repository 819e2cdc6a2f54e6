import type { Sql } from '../../../lib/db/sql';
import { DEFAULT_PAGE, encodeCursor, isoText as iso, MAX_PAGE } from '../../../lib/keyset-cursor';
import { ValidationError } from '../../../lib/errors';
import type { MediaType } from './entry';
import { buildSearch, type AssetState, type CatalogQuery } from './search-query';

type Json = Record<string, unknown>;

interface ItemRow {
  asset_id: string;
  state: string;
  source_network: string;
  targets: string[];
  original_name: string;
  size_bytes: string | null;
  sha256: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  verdicts: Json[];
  technical: Json | null;
  quarantine: Json | null;
  deferred: Json | null;
  title: string | null;
  programme: string | null;
  media_type: string;
  networks: string[];
  metadata: Json;
  cleared_at: string | null;
  has_poster: boolean;
  cursor_at: string;
}

const posterUrl = (assetId: string, has: boolean) => (has ? `/v1/assets/${encodeURIComponent(assetId)}/poster` : null);

const item = (r: ItemRow) => ({
  assetId: r.asset_id,
  // Only the assets projection writes rm_assets.state, and only these values.
  state: r.state as AssetState,
  sourceNetwork: r.source_network,
  targets: r.targets,
  originalName: r.original_name,
  sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
  sha256: r.sha256,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
  verdicts: r.verdicts,
  technical: r.technical,
  quarantine: r.quarantine,
  deferred: r.deferred,
  title: r.title,
  programme: r.programme,
  type: r.media_type as MediaType,
  networks: r.networks,
  metadata: r.metadata,
  clearedAt: r.cleared_at,
  posterUrl: posterUrl(r.asset_id, r.has_poster),
});
export type CatalogItem = ReturnType<typeof item>;

// The list shows the assets read model's state, verdicts and delivery as the assets list always did, beside
// what the catalog adds; both read models follow the same log, so a row missing from either is one instant late.
const COLUMNS = `c.asset_id, a.state, c.source_network, a.targets, c.original_name, a.size_bytes::text as size_bytes,
  a.sha256, ${iso('c.created_at')} as created_at, ${iso('a.updated_at')} as updated_at, c.version, a.verdicts,
  a.technical, a.quarantine, a.deferred, c.title, c.programme, c.media_type, c.networks, c.metadata,
  ${iso('c.cleared_at')} as cleared_at, c.has_poster,
  to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

export interface TreeItem {
  assetId: string;
  originalName: string;
  title: string | null;
  type: MediaType;
  detectedAt: string;
  posterUrl: string | null;
}
export interface TreeProgramme {
  programme: string | null;
  count: number;
  items: TreeItem[];
}
export interface TreeMonth {
  month: string;
  count: number;
  programmes: TreeProgramme[];
}
export interface TreeNetwork {
  network: string;
  count: number;
  months: TreeMonth[];
}

/**
 * Reads of the catalog: search (keyset-paged on detection time, newest
 * first unless `sort=oldest`) and the folder tree. `visible` is the caller's
 * browse scope (undefined: every network), applied in SQL so a page is never
 * short of what the caller may see.
 */
export function createCatalogQueries(sql: Sql) {
  return {
    async search(query: CatalogQuery, visible?: readonly string[]) {
      const limit = query.limit ?? DEFAULT_PAGE;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
        throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE}, got ${limit}`, { field: 'limit' });
      const { where, orderBy, params } = buildSearch(query, visible);
      const rows = await sql.query<ItemRow>(
        `select ${COLUMNS} from rm_catalog c join rm_assets a on a.asset_id = c.asset_id
          ${where.length ? `where ${where.join(' and ')}` : ''}
          order by ${orderBy} limit ${params.param(limit + 1)}`,
        params.values,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const next = rows.length > limit && last ? encodeCursor(last.cursor_at, last.asset_id) : null;
      return { items: page.map(item), next, nextCursor: next };
    },

    /**
     * Cleared assets as folders: network, then month of detection (UTC,
     * `YYYY-MM`, newest first), then programme (by name; null for none last),
     * each with its count and its `itemsPerNode` newest items. An asset is
     * under every network that holds it.
     */
    async tree(options: { network?: string; itemsPerNode: number }, visible?: readonly string[]) {
      const values: unknown[] = [];
      const param = (v: unknown) => `$${values.push(v)}`;
      const where = [`c.state = 'cleared'`];
      if (visible !== undefined) where.push(`c.networks && ${param([...visible])}::text[]`);
      if (options.network) where.push(`c.networks @> array[${param(options.network)}]::text[]`);
      const network = options.network ? `where network = ${param(options.network)}` : '';
      const rows = await sql.query<{
        network: string;
        month: string;
        programme: string | null;
        n: number;
        items: TreeItem[];
      }>(
        `with placed as (
           select n.network, to_char(c.created_at at time zone 'UTC', 'YYYY-MM') as month, c.programme, c.asset_id,
                  c.original_name, c.title, c.media_type, c.has_poster, c.created_at,
                  row_number() over (partition by n.network, to_char(c.created_at at time zone 'UTC', 'YYYY-MM'),
                                     c.programme order by c.created_at desc, c.asset_id desc) as rank
             from rm_catalog c cross join lateral unnest(c.networks) as n(network)
            where ${where.join(' and ')}
         )
         select network, month, programme, count(*)::int as n,
                coalesce(json_agg(json_build_object('assetId', asset_id, 'originalName', original_name, 'title', title,
                                  'type', media_type, 'detectedAt', ${iso('created_at')}, 'hasPoster', has_poster)
                                  order by created_at desc, asset_id desc)
                           filter (where rank <= ${param(options.itemsPerNode)}), '[]') as items
           from placed ${network}
          group by network, month, programme
          order by network, month desc, programme nulls last`,
        values,
      );
      const networks: TreeNetwork[] = [];
      for (const r of rows) {
        let n = networks.at(-1);
        if (n?.network !== r.network) networks.push((n = { network: r.network, count: 0, months: [] }));
        let m = n.months.at(-1);
        if (m?.month !== r.month) n.months.push((m = { month: r.month, count: 0, programmes: [] }));
        const items = r.items.map((i) => {
          const { hasPoster, ...rest } = i as TreeItem & { hasPoster: boolean };
          return { ...rest, posterUrl: posterUrl(i.assetId, hasPoster) };
        });
        m.programmes.push({ programme: r.programme, count: r.n, items });
        m.count += r.n;
        n.count += r.n;
      }
      return { networks };
    },
  };
}

export type CatalogQueries = ReturnType<typeof createCatalogQueries>;
