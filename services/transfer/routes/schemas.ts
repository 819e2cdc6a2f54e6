import { Type, type Static } from '@sinclair/typebox';
import { LANES, NetworkId } from '../../../events/catalog/common';
import { Id, Nullable, PageQuery, Paged, Reason, Time } from '../../gateway/schemas';
import { TRANSFER_STATES } from '../read-model/queries';

/**
 * The transfer service's route schemas. Command inputs are typed from them
 * (`Static<typeof ...>`), so what the route validated is what the command
 * takes, without a second check.
 */

export const LaneName = Type.Union(LANES.map((l) => Type.Literal(l)));
export const Priority = Type.Integer({
  minimum: 1,
  maximum: 10,
  description:
    'Transfer priority, one scale everywhere (API, CLI, sidecar, console): 1 (highest) to 10 (lowest); 1 and 2 travel in the urgent lane unless a lane is named',
});
// One schema with two types rather than a union: fastify's ajv coerces, and
// in a union with null it would turn 0 into null (unlimited) instead of refusing it.
export const Mbps = Type.Unsafe<number | null>({
  type: ['number', 'null'],
  exclusiveMinimum: 0,
  description: 'megabits per second; null = unlimited',
});

export const TransferParams = Type.Object({ id: { ...Id, description: 'The transfer id' } });

export const TransfersQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(TRANSFER_STATES.map((s) => Type.Literal(s)))),
    lane: Type.Optional(LaneName),
    network: Type.Optional({ ...NetworkId, description: 'Transfers into this network' }),
    assetId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const live = 'live from the progress board while running';
const ItemFields = {
  id: Type.String(),
  assetId: Type.String(),
  sourceNetwork: Nullable(Type.String()),
  targetNetwork: Type.String(),
  state: Type.String(),
  lane: Type.String(),
  priority: Priority,
  step: Nullable(
    Type.String({
      description:
        'While running, the step the saga is in now (starting, rendering, reserving, copying, committing, registering); ' +
        'otherwise the last step recorded (requested, registered, compensated) or the step a failure happened in',
    }),
  ),
  bytesTotal: Nullable(Type.Integer()),
  bytesDone: Type.Integer({ description: `Bytes copied; ${live}` }),
  attempts: Type.Integer(),
  error: Nullable(Type.String({ description: 'Why the last attempt failed, or why it was cancelled' })),
  requestedBy: Nullable(Type.String()),
  lastActor: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  path: Nullable(Type.String({ description: 'Where the copy was delivered' })),
  createdAt: Time,
  updatedAt: Time,
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
  durationMs: Nullable(Type.Integer()),
  bytesPerSecond: Nullable(Type.Number({ description: `Average rate once succeeded; ${live}` })),
  etaSeconds: Nullable(Type.Number({ description: `Seconds left at the current rate; ${live}` })),
  rendering: Type.Optional(
    Type.Object(
      {
        profile: Type.String(),
        outTimeSeconds: Type.Number(),
        fraction: Type.Optional(Type.Number({ description: 'Of the source’s duration, 0 to 1' })),
        speed: Type.Optional(Type.Number({ description: 'Times real time' })),
      },
      { description: `While the rendition is made, ffmpeg's -progress; ${live}` },
    ),
  ),
  version: Type.Integer({ description: 'Version of the transfer stream the row reflects (send it as If-Match)' }),
};
export const TransferListItem = Type.Object(ItemFields, { title: 'TransferListItem' });
/** A page of `GET /v1/transfers` (also what the CLI reads). */
export const TransferPage = Paged(TransferListItem);
export const TransferDetail = Type.Object({ ...ItemFields, sha256: Nullable(Type.String()) }, { title: 'Transfer' });

export const Accepted = Type.Object({
  id: Type.String(),
  version: Type.Integer({ description: 'Version of the transfer stream after the command' }),
});
export const EmptyBody = Nullable(Type.Object({}, { additionalProperties: false }));

export const ReprioritizeBody = Type.Object(
  { priority: Type.Optional(Priority), lane: Type.Optional(LaneName) },
  { additionalProperties: false },
);
export type ReprioritizeInput = Static<typeof ReprioritizeBody>;

export const SendBody = Type.Object(
  {
    network: { ...NetworkId, description: 'The target network' },
    lane: Type.Optional(LaneName),
    priority: Type.Optional(Priority),
    force: Type.Optional(Type.Boolean({ description: 'Send another copy even if one was sent before' })),
  },
  { additionalProperties: false },
);
export type SendInput = Static<typeof SendBody>;
export const SendResult = Type.Object({
  id: Type.String({ description: 'The transfer id' }),
  created: Type.Boolean({ description: 'false: the asset was sent to that network before; this is that transfer' }),
});

export const LaneJson = Type.Object(
  {
    name: Type.String(),
    channels: Type.Integer({ description: 'Channels per hub process: the admin figure, else the configured one' }),
    busy: Type.Integer({ description: 'Channels of this process copying now' }),
    bandwidthMbps: Mbps,
  },
  { title: 'Lane' },
);
export const LaneParams = Type.Object({
  name: Type.String({ pattern: '^[a-z]{1,20}$', description: LANES.join(' or ') }),
});
export const LaneBody = Type.Object(
  { channels: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })), bandwidthMbps: Type.Optional(Mbps) },
  { additionalProperties: false },
);
export type LaneInput = Static<typeof LaneBody>;

export const NetworkParams = Type.Object({ id: NetworkId });
export const NetworkJson = Type.Object(
  { id: Type.String(), paused: Type.Boolean(), reason: Nullable(Type.String()), bandwidthMbps: Mbps },
  { title: 'Network' },
);
export const NetworkBody = Type.Object(
  { paused: Type.Optional(Type.Boolean()), reason: Type.Optional(Reason), bandwidthMbps: Type.Optional(Mbps) },
  { additionalProperties: false },
);
export type NetworkInput = Static<typeof NetworkBody>;
