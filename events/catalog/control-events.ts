import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { Lane, NetworkId, Reason } from './common';

const Mbps = Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()], {
  description: 'megabits per second; null = unlimited',
});

/** Admin changes to a network (stream `network-<id>`). */
export const NetworkPaused = defineEvent(
  'NetworkPaused',
  Type.Object({ network: NetworkId, reason: Type.Optional(Reason) }, { additionalProperties: false }),
  'The network receives nothing; transfers to it stay queued.',
);
export const NetworkResumed = defineEvent(
  'NetworkResumed',
  Type.Object({ network: NetworkId }, { additionalProperties: false }),
  'The network receives transfers again.',
);
export const NetworkBandwidthSet = defineEvent(
  'NetworkBandwidthSet',
  Type.Object({ network: NetworkId, bandwidthMbps: Mbps }, { additionalProperties: false }),
  'The speed allocated to transfers into the network changed.',
);

/**
 * Something in a node's drop folders that the connector will not take, said
 * once per item (stream `network-<id>`): a link, a FIFO or device, a
 * sub-folder, a name that is not UTF-8, a folder of an unknown network, a
 * hard-linked file, a file that changed while it was being claimed.
 */
export const DropRefused = defineEvent(
  'DropRefused',
  Type.Object(
    {
      network: NetworkId,
      path: Type.String({
        minLength: 1,
        maxLength: 4096,
        description: 'relative to the node root; bytes that are not UTF-8 as \\xNN',
      }),
      rule: Type.String({ minLength: 1, maxLength: 100 }),
      reason: Reason,
    },
    { additionalProperties: false },
  ),
  'A connector refused an item of a drop folder; it is left where it was dropped, never followed or read.',
);

/** Admin changes to a lane (stream `lane-<name>`): channels per hub process and bandwidth. */
export const LaneConfigured = defineEvent(
  'LaneConfigured',
  Type.Object(
    {
      lane: Lane,
      channels: Type.Optional(Type.Integer({ minimum: 0, maximum: 256, description: 'channels per hub process' })),
      bandwidthMbps: Type.Optional(Mbps),
    },
    { additionalProperties: false },
  ),
  'An admin changed a lane’s channels per process or its bandwidth.',
);

export const controlEvents = [NetworkPaused, NetworkResumed, NetworkBandwidthSet, DropRefused, LaneConfigured] as const;

export type ControlEvent = EventsOf<typeof controlEvents>;
