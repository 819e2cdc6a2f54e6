import { Type, type Static } from '@sinclair/typebox';
import { NetworkId } from '../../../events/catalog/common';
import { Nullable, OpenObject, PageQuery, Reason, Time } from '../../gateway/schemas';
import { ASSET_STATES } from '../../../domain/asset/list-states';

/** The screening service's route schemas; command inputs are typed from them. */

export const AssetState = Type.Union(
  ASSET_STATES.map((s) => Type.Literal(s)),
  {
    description:
      'detected, ingested, screening, then cleared or quarantined (released: a rescreen is under way; deleted). ' +
      'A cleared asset stays `cleared` while any target still waits for its copy, then is `delivered` (to every ' +
      'target), `partially-delivered` (some targets delivered, the others failed for good or cancelled) or ' +
      '`delivery-failed` (no target delivered)',
  },
);

export const QuarantineQuery = Type.Object(PageQuery, { additionalProperties: false });

const SummaryFields = {
  assetId: Type.String(),
  state: AssetState,
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
    refused: Type.Array(
      Type.Object(
        { target: Type.String(), rule: Type.String(), reason: Type.String(), at: Time },
        { title: 'AssetRefusal' },
      ),
      {
        description:
          'Targets whose acceptance policy refused the asset (its format, not a threat): they will not receive it; the other targets do',
      },
    ),
    renditions: Type.Array(Type.Object({ target: Type.String(), profile: Type.String() }), {
      description: 'Targets whose policy refused the original but names a house profile: they receive a rendition',
    }),
    replicas: Type.Array(
      Type.Object({ network: Type.String(), path: Type.String(), sha256: Type.String(), storedAt: Time }),
    ),
    transfers: Type.Array(
      Type.Object(
        {
          transferId: Type.String(),
          targetNetwork: Type.String(),
          state: Type.Union(
            ['queued', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s)),
            {
              description: 'queued also while running, paused or backing off (GET /v1/transfers/{id} has the detail)',
            },
          ),
          path: Nullable(Type.String({ description: 'Where the copy was delivered, once it succeeded' })),
        },
        { title: 'AssetTransfer' },
      ),
      { description: 'Every transfer of the asset, in the order they were requested' },
    ),
  },
  { title: 'Asset' },
);

export const TimelineQuery = Type.Object(PageQuery, { additionalProperties: false });
export const TimelineEntry = Type.Object(
  {
    position: Type.String({ description: 'Global log position: the order of the timeline' }),
    streamId: Type.String({ description: 'asset-<id>, or transfer-<id> of one of its transfers' }),
    version: Type.Integer(),
    type: Type.String({ description: 'The event type (AssetDetected, TransferCompleted, ...)' }),
    actor: Type.String(),
    occurredAt: Time,
    summary: Type.String({ description: 'A content-free line: the event type and its short enumerated fields' }),
  },
  { title: 'TimelineEntry' },
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
  outcome: Type.String({
    description:
      '`queued for rescreen` (every stage runs again; the asset view shows the result) or `cleared by override`',
  }),
});

export const DeleteBody = Nullable(Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }));
export const DeleteQuery = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const Deleted = Type.Object({ assetId: Type.String(), deleted: Type.Boolean() });

export const WaitingDrop = Type.Object(
  {
    network: Type.String({ description: 'The network whose node it was dropped on' }),
    target: Type.String({ description: 'The drop folder’s target network' }),
    name: Type.String(),
    path: Type.String({ description: 'Relative to the node root: drop/<target>/<name>' }),
    sizeBytes: Type.Integer(),
    state: Type.Literal('detected'),
    waitingFor: Type.Union([Type.Literal('settling'), Type.Literal('sidecar')], {
      description: '`settling` while its size and mtime must hold still, then `sidecar` until the sidecar wait ends',
    }),
    seenAt: Time,
    waitingForSidecarUntil: Nullable(Time),
  },
  { title: 'WaitingDrop' },
);
export const DropsQuery = Type.Object({ network: Type.Optional(NetworkId) }, { additionalProperties: false });
