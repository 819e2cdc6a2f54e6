import { Type, type TProperties } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, Lane, NetworkId, Priority, Reason, Sha256, TransferId } from './common';

export const TransferRequested = defineEvent(
  'TransferRequested',
  Type.Object(
    {
      transferId: TransferId,
      assetId: AssetId,
      sourceNetwork: NetworkId,
      targetNetwork: NetworkId,
      lane: Lane,
      priority: Priority,
      sizeBytes: Type.Integer({ minimum: 0 }),
      sha256: Sha256,
      force: Type.Optional(Type.Boolean()),
      /** The replica copied from, on the source network's node; absent: the asset's origin copy in staging. */
      sourcePath: Type.Optional(Type.String({ minLength: 1 })),
      /** The target node's folder: `inbox` (a delivery, the default) or `cache` (a fetch: an evictable copy). */
      folder: Type.Optional(Type.Union([Type.Literal('inbox'), Type.Literal('cache')])),
      /** The target's policy refused the original and names this house profile: a rendition travels instead. */
      rendition: Type.Optional(
        Type.Object({ profile: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      ),
      /** Why, when it is not a delivery or a fetch: `repair` restores a damaged replica (`restorePath`). */
      reason: Type.Optional(Type.Literal('repair')),
      /** A repair: the damaged replica's own file on the target node, written in place of `folder` (no sidecar). */
      restorePath: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  'A cleared asset (or an operator, a subscription, a fetch) asked for a copy on a target network.',
  {
    schemaVersion: 2,
    // v1 had no lanes: everything travelled in the normal lane.
    upcasters: {
      1: (data) => ({ ...data, lane: data.priority !== undefined && Number(data.priority) <= 2 ? 'urgent' : 'normal' }),
    },
  },
);

export const TransferReprioritized = defineEvent(
  'TransferReprioritized',
  Type.Object(
    { transferId: TransferId, lane: Lane, priority: Priority, previousLane: Lane, previousPriority: Priority },
    { additionalProperties: false },
  ),
  'An admin or operator changed the lane or priority of a transfer.',
);

// Generic so each event's data keeps its field types (projections and evolve read them typed).
const transferOnly = <P extends TProperties = Record<never, never>>(extra: P = {} as P) =>
  Type.Object({ transferId: TransferId, ...extra }, { additionalProperties: false });

export const TransferStarted = defineEvent(
  'TransferStarted',
  transferOnly({
    channel: Type.String(),
    worker: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    resumeFrom: Type.Integer({ minimum: 0 }),
  }),
  'A channel picked the transfer up.',
);
export const TransferPaused = defineEvent(
  'TransferPaused',
  transferOnly({ reason: Type.Optional(Reason), bytesDone: Type.Integer({ minimum: 0 }) }),
  'Paused at a chunk boundary; its channel is free.',
);
export const TransferResumed = defineEvent('TransferResumed', transferOnly(), 'A paused transfer is queued again.');
export const TransferReserved = defineEvent(
  'TransferReserved',
  transferOnly({ bytes: Type.Integer({ minimum: 0 }), tempPath: Type.String({ minLength: 1 }) }),
  'Space on the target node is reserved and the temporary file is ready.',
);
export const TransferVerified = defineEvent(
  'TransferVerified',
  transferOnly({ sha256: Sha256, bytes: Type.Integer({ minimum: 0 }) }),
  'The copy’s SHA-256 matches the source.',
);
export const TransferCommitted = defineEvent(
  'TransferCommitted',
  transferOnly({ path: Type.String({ minLength: 1 }) }),
  'The copy is published under its final name.',
);
export const TransferCompleted = defineEvent(
  'TransferCompleted',
  transferOnly({
    path: Type.String({ minLength: 1 }),
    sha256: Sha256,
    bytes: Type.Integer({ minimum: 0 }),
    /** From the first start to the commit, across pauses and retries. */
    durationMs: Type.Integer({ minimum: 0 }),
  }),
  'The replica is registered: the transfer is done (this event is the notification other systems consume).',
);
export const TransferRetried = defineEvent(
  'TransferRetried',
  transferOnly({ reason: Type.Optional(Reason) }),
  'An operator queued a failed transfer again.',
);
export const TransferFailed = defineEvent(
  'TransferFailed',
  transferOnly({ reason: Reason, retryable: Type.Boolean(), step: Type.String() }),
  'A step failed; retryable failures are attempted again after a back-off.',
);
export const TransferCompensated = defineEvent(
  'TransferCompensated',
  transferOnly({ actions: Type.Array(Type.String()) }),
  'The effects of a failed or cancelled transfer were undone.',
);
export const TransferCancelled = defineEvent(
  'TransferCancelled',
  transferOnly({ reason: Type.Optional(Reason) }),
  'An admin cancelled the transfer.',
);

export const transferEvents = [
  TransferRequested,
  TransferReprioritized,
  TransferStarted,
  TransferReserved,
  TransferPaused,
  TransferResumed,
  TransferVerified,
  TransferCommitted,
  TransferCompleted,
  TransferRetried,
  TransferFailed,
  TransferCompensated,
  TransferCancelled,
] as const;

export type TransferEvent = EventsOf<typeof transferEvents>;

/** Narrows a stored event to `Stored<TransferEvent>`. */
export const isTransferEvent = eventGuard(transferEvents);
