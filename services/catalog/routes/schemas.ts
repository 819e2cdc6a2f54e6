import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { NetworkId } from '../../../events/catalog/common';
import { Nullable, OpenObject, PageQuery, Time } from '../../gateway/schemas';
import { MEDIA_TYPES } from '../read-model/entry';
import { ASSET_STATES } from '../../../domain/asset/list-states';

/** The catalog's route schemas; command inputs are typed from them. */

const AssetState = Type.Union(
  ASSET_STATES.map((s) => Type.Literal(s)),
  {
    description:
      'detected, ingested, screening, then cleared or quarantined (released: a rescreen is under way; deleted); a ' +
      'cleared asset then becomes delivered, partially-delivered or delivery-failed by its transfers',
  },
);
const MediaType = Type.Union(
  MEDIA_TYPES.map((t) => Type.Literal(t)),
  { description: 'From the technical metadata of deep analysis' },
);
const Programme = Type.String({ minLength: 1, maxLength: 512 });

export const CatalogQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 500,
        description:
          'Words (split on white space), each a substring that must occur in the original name, a sidecar field ' +
          '(title, programme, reporter, keywords, description, any extra item) or the technical metadata (codec, ' +
          'container, 1920x1080). Any script and length: `新闻` finds `民生新闻`. Case-insensitive; % _ \\ match themselves',
      }),
    ),
    network: Type.Optional({
      ...NetworkId,
      description: 'Assets held in this network: dropped there, or a copy there',
    }),
    type: Type.Optional(MediaType),
    state: Type.Optional(AssetState),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'Detected at or after (ISO-8601 date or time)' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'Detected before (ISO-8601 date or time)' })),
    program: Type.Optional({ ...Programme, description: 'The programme, exactly as the tree names it' }),
    sort: Type.Optional(
      Type.Union([Type.Literal('newest'), Type.Literal('oldest')], {
        default: 'newest',
        description: 'By detection time',
      }),
    ),
    sourceNetwork: Type.Optional({ ...NetworkId, description: 'Assets dropped on this network' }),
    target: Type.Optional({ ...NetworkId, description: 'Assets sent to this network' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const CatalogItem = Type.Object(
  {
    assetId: Type.String(),
    state: AssetState,
    sourceNetwork: Type.String(),
    targets: Type.Array(Type.String()),
    originalName: Type.String(),
    sizeBytes: Nullable(Type.Integer()),
    sha256: Nullable(Type.String()),
    createdAt: { ...Time, description: 'When the file was detected' },
    updatedAt: Time,
    version: Type.Integer({ description: 'Version of the asset stream the row reflects (send it as If-Match)' }),
    verdicts: Type.Array(OpenObject('A stage verdict: stage, passed, rule, reason, engines, at')),
    technical: Nullable(OpenObject('Technical metadata from deep analysis')),
    quarantine: Nullable(OpenObject('Why and where the asset is quarantined: stage, rule, reason, path, at')),
    deferred: Nullable(OpenObject('A stage waiting for an unreachable engine: stage, reason, retryInMs, at')),
    title: Nullable(Type.String()),
    programme: Nullable(Type.String({ description: 'Extra item programme (or program), else the programmeId' })),
    type: MediaType,
    networks: Type.Array(Type.String(), { description: 'Where it was dropped and every network holding a copy' }),
    metadata: OpenObject('The sidecar metadata, as parsed or last edited'),
    clearedAt: Nullable(Time),
    posterUrl: Nullable(Type.String({ description: '/v1/assets/{id}/poster once a poster or thumbnail exists' })),
  },
  { title: 'CatalogItem' },
);

// null first: the gateway's ajv coerces types, and would turn a null into '' to fit a string tried before it.
const OrNull = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([Type.Null(), schema], description ? { description } : {});
const Editable = (maxLength: number, description: string) =>
  Type.Optional(OrNull(Type.String({ maxLength }), description));
export const MetadataPatchBody = Type.Object(
  {
    title: Editable(512, 'Required by the format: cannot be null'),
    materialId: Editable(128, 'null removes it; one of materialId and programmeId must remain'),
    programmeId: Editable(128, 'null removes it; one of materialId and programmeId must remain'),
    category: Editable(64, 'null removes it'),
    description: Editable(8192, 'null removes it'),
    rights: Editable(4096, 'null removes it'),
    extra: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), OrNull(Type.String({ maxLength: 4096 })), {
        description: 'Extra items by key (reporter, keywords, programme...): a value sets it, null removes it',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MetadataPatchInput = Static<typeof MetadataPatchBody>;

export const MetadataChangedReply = Type.Object({
  assetId: Type.String(),
  version: Type.Integer({ description: 'Version of the asset stream after the edit (the next If-Match)' }),
  changed: Type.Array(Type.String(), { description: 'Fields that changed; empty when the edit changed nothing' }),
  metadata: OpenObject('The sidecar metadata now'),
});

export const TreeQuery = Type.Object(
  {
    network: Type.Optional({ ...NetworkId, description: 'One network’s tree; absent: every network you see' }),
    items: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100, default: 20, description: 'Newest items listed per programme' }),
    ),
  },
  { additionalProperties: false },
);

const TreeItem = Type.Object({
  assetId: Type.String(),
  originalName: Type.String(),
  title: Nullable(Type.String()),
  type: MediaType,
  detectedAt: Time,
  posterUrl: Nullable(Type.String()),
});
export const Tree = Type.Object(
  {
    networks: Type.Array(
      Type.Object({
        network: Type.String(),
        count: Type.Integer(),
        months: Type.Array(
          Type.Object({
            month: Type.String({ description: 'YYYY-MM of detection (UTC), newest first' }),
            count: Type.Integer(),
            programmes: Type.Array(
              Type.Object({
                programme: Nullable(Type.String({ description: 'null: the sidecar names none' })),
                count: Type.Integer(),
                items: Type.Array(TreeItem),
              }),
            ),
          }),
        ),
      }),
    ),
  },
  { title: 'CatalogTree' },
);
