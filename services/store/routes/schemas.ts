import { Type } from '@sinclair/typebox';
import { Lane, NetworkId, Priority, REPLICA_KINDS } from '../../../events/catalog/common';
import { Nullable, Paged, Time } from '../../gateway/schemas';

/** The store's route schemas: replicas, content, fetch. */

export const ReplicaStateSchema = Type.Union(
  ['ok', 'missing', 'corrupt', 'evicted', 'taken'].map((s) => Type.Literal(s)),
  {
    description:
      '`ok` may be read and fetched from; `missing`, `corrupt` wait for a repair; `evicted` was removed; ' +
      '`taken`: a delivered file the network’s systems took from its inbox (`inbox: taken`)',
  },
);

export const ReplicaItem = Type.Object({
  network: Type.String({ description: 'The network whose node holds the copy' }),
  kind: Type.Union(
    REPLICA_KINDS.map((k) => Type.Literal(k)),
    {
      description:
        '`origin` (where it was dropped, in the node’s hub area), `delivered` (into an inbox), `cached` (by a fetch)',
    },
  ),
  path: Type.String(),
  sha256: Type.String(),
  state: ReplicaStateSchema,
  verifiedAt: Nullable(Time, { description: 'When its bytes last hashed to the asset’s SHA-256' }),
  sizeBytes: Nullable(Type.Integer({ minimum: 0 })),
  lastReadAt: Nullable(Time),
});

export const ReplicaPage = Paged(ReplicaItem);

export const FetchBody = Type.Object(
  {
    network: Type.String({ description: 'The network that wants the asset on its own node' }),
    lane: Type.Optional(Lane),
    priority: Type.Optional(Priority),
  },
  { additionalProperties: false },
);

export const FetchHeld = Type.Object(
  { replica: ReplicaItem },
  { description: 'The network holds a good copy already' },
);
export const FetchAccepted = Type.Object(
  {
    transferId: Type.String({ description: 'Follow it at GET /v1/transfers/{id}' }),
    source: Type.Object({ network: NetworkId, path: Type.String() }, { description: 'The replica copied from' }),
  },
  { description: 'A transfer brings the asset into the network’s cache/' },
);
