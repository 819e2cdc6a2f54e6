import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { NetworkId } from '../../../events/catalog/common';
import { Next, Nullable, OpenObject, PageQuery, Paged, Reason, Time } from '../../gateway/schemas';
import { ASSET_STATES } from '../read-model/queries';

/** The screening service's route schemas; command inputs are typed from them. */

export const AssetsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(ASSET_STATES.map((s) => Type.Literal(s)))),
    sourceNetwork: Type.Optional(NetworkId),
    target: Type.Optional({ ...NetworkId, description: 'Assets sent to this network' }),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const QuarantineQuery = Type.Object(PageQuery, { additionalProperties: false });

export const DEPRECATED_NEXT_CURSOR =
  'Pages like every list: pass `next` back as `cursor`. `nextCursor` is a deprecated alias of `next`, ' +
  'answered for one more release only.';

/** `{items, next}` plus `nextCursor`, the name these two lists used before `next`: deprecated, kept one release. */
export const AssetPaged = <T extends TSchema>(item: T) =>
  Type.Object({
    ...Paged(item).properties,
    nextCursor: {
      ...Next,
      deprecated: true,
      description: 'Deprecated: the same value as `next`, kept for one release; read `next` instead',
    },
  });

const SummaryFields = {
  assetId: Type.String(),
  state: Type.String(),
  sourceNetwork: Nullable(Type.String()),
  targets: Type.Array(Type.String()),
  originalName: Nullable(Type.String()),
  sizeBytes: Nullable(Type.Integer()),
  sha256: Nullable(Type.String()),
  createdAt: Time,
  updatedAt: Time,
  version: Type.Integer({ description: 'Version of the asset stream the row reflects (send it as If-Match)' }),
};
const ListFields = {
  ...SummaryFields,
  verdicts: Type.Array(OpenObject('A stage verdict: stage, passed, rule, reason, engines, at')),
  technical: Nullable(OpenObject('Technical metadata from deep analysis')),
  quarantine: Nullable(OpenObject('Why and where the asset is quarantined: stage, rule, reason, path, at')),
  deferred: Nullable(OpenObject('A stage waiting for an unreachable engine: stage, reason, retryInMs, at')),
};
export const AssetListItem = Type.Object(ListFields, { title: 'AssetListItem' });

export const AssetDetail = Type.Object(
  {
    ...ListFields,
    sidecar: Nullable(OpenObject('The parsed sidecar')),
    replicas: Type.Array(
      Type.Object({ network: Type.String(), path: Type.String(), sha256: Type.String(), storedAt: Time }),
    ),
  },
  { title: 'Asset' },
);

export const QuarantinedAsset = Type.Object(
  {
    assetId: Type.String(),
    originalName: Nullable(Type.String()),
    sha256: Nullable(Type.String()),
    sourceNetwork: Nullable(Type.String()),
    targets: Type.Array(Type.String()),
    sizeBytes: Nullable(Type.Integer()),
    stage: Nullable(Type.String({ description: 'The stage that refused the asset' })),
    rule: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    quarantinedAt: Nullable(Time),
  },
  { title: 'QuarantinedAsset' },
);

export const ReleaseBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('rescreen'), Type.Literal('override')], {
      description: '`rescreen` runs every stage again (admin, operator); `override` clears the asset as it is (admin)',
    }),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type ReleaseInput = Static<typeof ReleaseBody>;
export const Released = Type.Object({
  assetId: Type.String(),
  version: Type.Integer({ description: 'Version of the asset stream after the release' }),
  mode: Type.String(),
});

export const DeleteBody = Nullable(Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }));
export const DeleteQuery = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const Deleted = Type.Object({ assetId: Type.String(), deleted: Type.Boolean() });
