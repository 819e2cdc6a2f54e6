import { Type } from '@sinclair/typebox';
import { FilmstripTiles, ProxyKind } from '../../../events/catalog/media-events';
import { Nullable } from '../../gateway/schemas';

/** The body of a rendition response: the file's bytes (or the range asked for), streamed, never JSON. */
export const Bytes = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The rendition’s bytes' });

export const RemakeAccepted = Type.Object(
  {
    assetId: Type.String(),
    /** False when a request was still unanswered: it is the one that will be answered. */
    requested: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** One rendition of GET /v1/assets/{id}/renditions: what was made (or why not), and where to read it. */
export const RenditionInfo = Type.Object(
  {
    kind: ProxyKind,
    state: Type.Union([Type.Literal('created'), Type.Literal('failed')]),
    /** The route that serves it; null when it failed. */
    url: Nullable(Type.String()),
    mediaType: Nullable(Type.String()),
    sizeBytes: Nullable(Type.Integer()),
    sha256: Nullable(Type.String()),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    bitRate: Nullable(Type.Integer()),
    durationSeconds: Nullable(Type.Number()),
    tiles: Nullable(FilmstripTiles, {
      description: 'A filmstrip’s tiles: count, columns, rows, one every intervalSeconds',
    }),
    reason: Nullable(Type.String()),
    madeAt: Type.String(),
  },
  { additionalProperties: false },
);

export const RenditionList = Type.Object(
  {
    /** True while a request for them is unanswered (queued or being made); null when never asked (not cleared media). */
    owed: Nullable(Type.Boolean()),
    items: Type.Array(RenditionInfo),
  },
  { additionalProperties: false },
);
