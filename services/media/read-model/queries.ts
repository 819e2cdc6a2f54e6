import type { FilmstripTiles, ProxyKind } from '../../../events/catalog/media-events';
import type { Sql } from '../../../lib/db/sql';
import { isoText as iso } from '../../../lib/keyset-cursor';
import type { MediaJob } from '../process-manager';

/** One rendition as the read model holds it. */
export type Rendition =
  | {
      kind: ProxyKind;
      state: 'created';
      path: string;
      mediaType: string;
      sizeBytes: number;
      sha256: string;
      width: number | null;
      height: number | null;
      bitRate: number | null;
      durationSeconds: number | null;
      /** A filmstrip's tiles; null for other kinds and for filmstrips made before they were recorded. */
      tiles: FilmstripTiles | null;
      madeAt: string;
    }
  | { kind: ProxyKind; state: 'failed'; reason: string; madeAt: string };

interface RenditionRow {
  kind: ProxyKind;
  state: 'created' | 'failed';
  path: string | null;
  mediaType: string | null;
  sizeBytes: string | null;
  sha256: string | null;
  width: number | null;
  height: number | null;
  bitRate: string | null;
  durationSeconds: number | null;
  tiles: FilmstripTiles | null;
  reason: string | null;
  madeAt: string;
}

function toRendition(r: RenditionRow): Rendition {
  if (r.state === 'failed') return { kind: r.kind, state: 'failed', reason: r.reason ?? '', madeAt: r.madeAt };
  return {
    kind: r.kind,
    state: 'created',
    path: r.path!,
    mediaType: r.mediaType!,
    sizeBytes: Number(r.sizeBytes),
    sha256: r.sha256!,
    width: r.width,
    height: r.height,
    bitRate: r.bitRate === null ? null : Number(r.bitRate),
    durationSeconds: r.durationSeconds,
    tiles: r.tiles,
    madeAt: r.madeAt,
  };
}

/** Reads of the media read model (reader): the routes and the sweep go through these, never through the tables. */
export function createMediaQueries(sql: Sql) {
  return {
    /** The asset's renditions by kind, and whether a request for them is still unanswered (undefined: never asked). */
    async renditions(assetId: string): Promise<{ owed: boolean | undefined; byKind: Map<ProxyKind, Rendition> }> {
      const [request] = await sql.query<{ answered: boolean }>(
        'select answered from rm_media_requests where asset_id = $1',
        [assetId],
      );
      const rows = await sql.query<RenditionRow>(
        `select kind, state, path, media_type as "mediaType", size_bytes::text as "sizeBytes", sha256, width, height,
                bit_rate::text as "bitRate", duration_seconds as "durationSeconds", tiles, reason, ${iso('made_at')} as "madeAt"
           from rm_renditions where asset_id = $1`,
        [assetId],
      );
      return {
        owed: request ? !request.answered : undefined,
        byKind: new Map(rows.map((r) => [r.kind, toRendition(r)])),
      };
    },

    /** Requests made since `since` and not answered yet, oldest first. */
    async owedSince(since: string): Promise<MediaJob[]> {
      const rows = await sql.query<{ assetId: string; requestedAt: number }>(
        `select asset_id as "assetId", requested_version as "requestedAt" from rm_media_requests
          where not answered and requested_at >= $1 order by requested_at, asset_id`,
        [since],
      );
      return rows.map((r) => ({ assetId: r.assetId, requestedAt: Number(r.requestedAt) }));
    },
  };
}

export type MediaQueries = ReturnType<typeof createMediaQueries>;
