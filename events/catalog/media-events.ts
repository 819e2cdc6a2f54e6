import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, Reason, Sha256 } from './common';

/**
 * What the media service made of a cleared asset for browsing, kept in the
 * centre's store. They go on the asset's stream but are not part of the asset
 * aggregate: screening and delivery never fold them, so a proxy that fails
 * never holds up a delivery.
 */
export const PROXY_KINDS = ['proxy', 'poster', 'filmstrip', 'waveform', 'thumbnail'] as const;
export const ProxyKind = Type.Union(PROXY_KINDS.map((k) => Type.Literal(k)));
export type ProxyKind = (typeof PROXY_KINDS)[number];

/** A filmstrip's tiles: how many, laid out in columns × rows, one every intervalSeconds of the source. */
export const FilmstripTiles = Type.Object(
  {
    count: Type.Integer({ minimum: 1 }),
    columns: Type.Integer({ minimum: 1 }),
    rows: Type.Integer({ minimum: 1 }),
    intervalSeconds: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false },
);
export type FilmstripTiles = Static<typeof FilmstripTiles>;

export const ProxyCreated = defineEvent(
  'ProxyCreated',
  Type.Object(
    {
      assetId: AssetId,
      kind: ProxyKind,
      /** Relative to the centre root (`storage.centerRoot`); never absolute, so the root may move. */
      path: Type.String({ minLength: 1, maxLength: 1024 }),
      mediaType: Type.String({ minLength: 1, maxLength: 100 }),
      sizeBytes: Type.Integer({ minimum: 0 }),
      sha256: Sha256,
      width: Type.Optional(Type.Integer({ minimum: 1 })),
      height: Type.Optional(Type.Integer({ minimum: 1 })),
      /** Bits per second of the whole file, as ffprobe reads it. */
      bitRate: Type.Optional(Type.Integer({ minimum: 0 })),
      durationSeconds: Type.Optional(Type.Number({ minimum: 0 })),
      tiles: Type.Optional(FilmstripTiles),
    },
    { additionalProperties: false },
  ),
  'A browse rendition (proxy, poster, filmstrip, waveform or thumbnail) of the asset was made in the centre’s store and hashed.',
);

export const ProxyFailed = defineEvent(
  'ProxyFailed',
  Type.Object({ assetId: AssetId, kind: ProxyKind, reason: Reason }, { additionalProperties: false }),
  'A browse rendition could not be made (the reason ends with ffmpeg’s last lines); nothing partial was left.',
);

export const ProxyRequested = defineEvent(
  'ProxyRequested',
  Type.Object({ assetId: AssetId }, { additionalProperties: false }),
  'Someone (the event’s actor) asked for the asset’s browse renditions to be made again (POST /v1/assets/{id}/proxy).',
);

export const mediaEvents = [ProxyRequested, ProxyCreated, ProxyFailed] as const;

export type MediaEvent = EventsOf<typeof mediaEvents>;

/** Narrows a stored event to `Stored<MediaEvent>`. */
export const isMediaEvent = eventGuard(mediaEvents);
