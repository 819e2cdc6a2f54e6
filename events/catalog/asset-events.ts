import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, NetworkId, Reason, ReplicaKind, Sha256, Stage } from './common';
import { MetadataChanged } from './metadata-events';

export const AssetDetected = defineEvent(
  'AssetDetected',
  Type.Object(
    {
      assetId: AssetId,
      sourceNetwork: NetworkId,
      /** Empty for a pool asset (dropped straight into drop/): kept on its origin node, sent nowhere. */
      targets: Type.Array(NetworkId),
      originalName: Type.String({ minLength: 1, maxLength: 1024 }),
      sizeBytes: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
  'A connector saw a complete file in a drop folder.',
);

export const AssetIngested = defineEvent(
  'AssetIngested',
  Type.Object(
    {
      assetId: AssetId,
      stagedPath: Type.String({ minLength: 1 }),
      sizeBytes: Type.Integer({ minimum: 0 }),
      sha256: Sha256,
    },
    { additionalProperties: false },
  ),
  'The file was claimed (moved out of the dropper’s reach) and hashed.',
);

export const SidecarParsed = defineEvent(
  'SidecarParsed',
  Type.Object(
    { assetId: AssetId, sidecar: Type.Record(Type.String(), Type.Unknown()) },
    { additionalProperties: false },
  ),
  'The XML sidecar beside the file was parsed and accepted; its priority is on the transfer scale (1 highest).',
  {
    schemaVersion: 2,
    // v1 stored the sidecar's priority as written on the old sidecar scale (10 highest).
    upcasters: {
      1: (data) => {
        const sidecar = data.sidecar as Record<string, unknown> | undefined;
        if (typeof sidecar?.priority !== 'number') return data;
        return { ...data, sidecar: { ...sidecar, priority: 11 - sidecar.priority } };
      },
    },
  },
);

const EngineVerdict = Type.Object({
  engine: Type.String(),
  engineVersion: Type.String(),
  signatureVersion: Type.String(),
  bytesCovered: Type.Integer({ minimum: 0 }),
  outcome: Type.Union([Type.Literal('clean'), Type.Literal('infected'), Type.Literal('error')]),
  signature: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

/**
 * What a target's acceptance policy says of a file that passed analysis: `accepted` as it is, `transcode` (the
 * policy refused the original and names the house profile of a rendition), or `refused` for that target only.
 */
export const TargetOutcome = Type.Union([
  Type.Object({ outcome: Type.Literal('accepted') }, { additionalProperties: false }),
  Type.Object(
    {
      outcome: Type.Literal('transcode'),
      profile: Type.String({ minLength: 1 }),
      rule: Type.String({ minLength: 1 }),
      reason: Reason,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { outcome: Type.Literal('refused'), rule: Type.String({ minLength: 1 }), reason: Reason },
    { additionalProperties: false },
  ),
]);
export type TargetOutcome = Static<typeof TargetOutcome>;

export const AssetScreened = defineEvent(
  'AssetScreened',
  Type.Object(
    {
      assetId: AssetId,
      stage: Stage,
      passed: Type.Boolean(),
      rule: Type.Optional(Type.String()),
      reason: Type.Optional(Reason),
      engines: Type.Optional(Type.Array(EngineVerdict)),
      technical: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      /** Analysis only: each target's policy outcome, keyed by target network. Absent for a pool asset. */
      targetOutcomes: Type.Optional(Type.Record(Type.String(), TargetOutcome)),
    },
    { additionalProperties: false },
  ),
  'One screening stage gave its verdict.',
);

export const ScreeningDeferred = defineEvent(
  'ScreeningDeferred',
  Type.Object(
    { assetId: AssetId, stage: Stage, reason: Reason, retryInMs: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  'A stage could not run (an engine is unreachable): the asset stays not cleared and is retried.',
);

export const AssetCleared = defineEvent(
  'AssetCleared',
  Type.Object(
    {
      assetId: AssetId,
      targets: Type.Array(NetworkId),
      /** True when an admin released the asset from quarantine without screening it again. */
      override: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  'Every stage passed (or an admin overrode quarantine): the asset may enter its targets, those refused by their policy (AssetRefused) left out.',
);

export const AssetRefused = defineEvent(
  'AssetRefused',
  Type.Object(
    { assetId: AssetId, target: NetworkId, rule: Type.String({ minLength: 1 }), reason: Reason },
    { additionalProperties: false },
  ),
  'The asset is sound but the target’s acceptance policy refuses its format and names no transcode profile: that target will not receive it; the others still do.',
);

export const AssetQuarantined = defineEvent(
  'AssetQuarantined',
  Type.Object(
    {
      assetId: AssetId,
      stage: Stage,
      rule: Type.String({ minLength: 1 }),
      reason: Reason,
      quarantinePath: Type.String(),
    },
    { additionalProperties: false },
  ),
  'A stage refused the asset; its file is kept under hub control.',
);

export const AssetReleased = defineEvent(
  'AssetReleased',
  Type.Object(
    {
      assetId: AssetId,
      mode: Type.Union([Type.Literal('rescreen'), Type.Literal('override')]),
      reason: Reason,
    },
    { additionalProperties: false },
  ),
  'An admin released a quarantined asset, to be screened again or by override.',
);

export const AssetDeleted = defineEvent(
  'AssetDeleted',
  Type.Object({ assetId: AssetId, reason: Reason }, { additionalProperties: false }),
  'An admin deleted a quarantined asset and its file.',
);

export const ReplicaStored = defineEvent(
  'ReplicaStored',
  Type.Object(
    {
      assetId: AssetId,
      network: NetworkId,
      path: Type.String({ minLength: 1 }),
      sha256: Sha256,
      transferId: Type.Optional(Type.String()),
      /** Absent on events written before the store: those were all deliveries into an inbox. */
      kind: Type.Optional(ReplicaKind),
      sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  'A verified copy of the asset is stored on a network’s node: its origin copy (kept in the node’s hub area), a delivery into an inbox, or a copy cached by a fetch.',
);

export const assetEvents = [
  AssetDetected,
  AssetIngested,
  SidecarParsed,
  AssetScreened,
  ScreeningDeferred,
  AssetRefused,
  AssetCleared,
  AssetQuarantined,
  AssetReleased,
  AssetDeleted,
  ReplicaStored,
  MetadataChanged,
] as const;

export type AssetEvent = EventsOf<typeof assetEvents>;

/** Narrows a stored event to `Stored<AssetEvent>`. */
export const isAssetEvent = eventGuard(assetEvents);
