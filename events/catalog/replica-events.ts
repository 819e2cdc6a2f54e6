import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, Lane, NetworkId, Priority, Reason, Sha256, TransferId } from './common';

/**
 * What became of one replica after it was stored, and who read it. They go on
 * the asset's stream (so an asset's history tells where its bytes are) but
 * are not part of the asset aggregate: screening and delivery never fold them.
 * A replica is named by its network and path (an asset may have several on
 * one node: its origin copy and a cached one).
 */
const ReplicaRef = {
  assetId: AssetId,
  network: NetworkId,
  path: Type.String({ minLength: 1 }),
};

export const ReplicaVerified = defineEvent(
  'ReplicaVerified',
  Type.Object({ ...ReplicaRef, sha256: Sha256 }, { additionalProperties: false }),
  'The replica was read whole and its SHA-256 matches the asset’s.',
);

export const ReplicaMissing = defineEvent(
  'ReplicaMissing',
  Type.Object({ ...ReplicaRef, reason: Type.Optional(Reason) }, { additionalProperties: false }),
  'The replica’s file is gone (or unreadable) from its node.',
);

export const ReplicaTaken = defineEvent(
  'ReplicaTaken',
  Type.Object({ ...ReplicaRef, reason: Type.Optional(Reason) }, { additionalProperties: false }),
  'A delivered replica’s file has left its inbox, on a network whose systems take what is delivered (`inbox: taken`): not a loss, so it is neither repaired nor read from again.',
);

export const ReplicaCorrupt = defineEvent(
  'ReplicaCorrupt',
  Type.Object(
    {
      ...ReplicaRef,
      /** What the file hashed to instead of the asset's SHA-256. */
      foundSha256: Sha256,
      /** Where the bad file was moved aside (it is never deleted). */
      movedTo: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  'The replica’s bytes no longer hash to the asset’s SHA-256.',
);

export const ReplicaRepaired = defineEvent(
  'ReplicaRepaired',
  Type.Object(
    {
      ...ReplicaRef,
      sha256: Sha256,
      /** The network whose good replica it was copied from. */
      fromNetwork: Type.Optional(NetworkId),
      transferId: Type.Optional(TransferId),
    },
    { additionalProperties: false },
  ),
  'A missing or corrupt replica was copied again from a good one and verified.',
);

export const ReplicaEvicted = defineEvent(
  'ReplicaEvicted',
  Type.Object({ ...ReplicaRef, reason: Type.Optional(Reason) }, { additionalProperties: false }),
  'A cached replica was removed from its node to free space (never an origin or delivered one, never the last good one).',
);

export const AssetRead = defineEvent(
  'AssetRead',
  Type.Object(
    {
      ...ReplicaRef,
      /** Bytes asked for, inclusive, when the client sent a Range; absent for the whole file. */
      range: Type.Optional(
        Type.Object(
          { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
          { additionalProperties: false },
        ),
      ),
      bytes: Type.Integer({ minimum: 0 }),
      /** The network the reader asked for, when it is not the one served from. */
      forNetwork: Type.Optional(NetworkId),
    },
    { additionalProperties: false },
  ),
  'Someone (the event’s actor) read the asset’s bytes from a replica through GET /v1/assets/{id}/content.',
);

export const FetchRequested = defineEvent(
  'FetchRequested',
  Type.Object(
    {
      assetId: AssetId,
      /** The network that asked for a copy on its own node. */
      network: NetworkId,
      /** Derived from the asset, the network and the copies it had there: asking twice asks once. */
      transferId: TransferId,
      /** The replica chosen to copy from: least expected time to `network` when it was asked. */
      sourceNetwork: NetworkId,
      sourcePath: Type.String({ minLength: 1 }),
      lane: Type.Optional(Lane),
      priority: Type.Optional(Priority),
    },
    { additionalProperties: false },
  ),
  'A network asked for the asset on its own node (POST /v1/assets/{id}/fetch): the transfer service copies it into the node’s cache/.',
);

export const RepairRequested = defineEvent(
  'RepairRequested',
  Type.Object(
    {
      ...ReplicaRef,
      /** Derived from the replica and the repairs asked for it before: an audit that finds it again asks once. */
      transferId: TransferId,
      /** The good replica chosen to copy from: least expected time to `network` when it was asked. */
      sourceNetwork: NetworkId,
      sourcePath: Type.String({ minLength: 1 }),
      /** What the source's bytes hash to and weigh, when known: a rendition's are not the asset's own. */
      sha256: Type.Optional(Sha256),
      sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  'A replica found missing or corrupt is to be copied again, in place, from a good one: the transfer service makes the transfer (urgent lane, reason repair).',
);

export const replicaEvents = [
  ReplicaVerified,
  ReplicaMissing,
  ReplicaTaken,
  ReplicaCorrupt,
  ReplicaRepaired,
  ReplicaEvicted,
  AssetRead,
  FetchRequested,
  RepairRequested,
] as const;

export type ReplicaEvent = EventsOf<typeof replicaEvents>;

/** Narrows a stored event to `Stored<ReplicaEvent>`. */
export const isReplicaEvent = eventGuard(replicaEvents);
