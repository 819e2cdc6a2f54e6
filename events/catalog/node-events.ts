import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { NetworkId, Reason } from './common';

/**
 * A network's storage node as the hub's probes see it (stream `node-<id>`):
 * said only when it changes, so the stream is the node's history of outages.
 * A node is up until a probe says otherwise; while it is down nothing is
 * written into it (transfers wait) and it is never chosen as a source.
 */
export const NodeDown = defineEvent(
  'NodeDown',
  Type.Object({ network: NetworkId, reason: Reason }, { additionalProperties: false }),
  'A probe of the node failed: its root does not resolve or is not laid out as expected, statfs failed, or a small write, read and delete in its hub area did not go through.',
);

export const NodeUp = defineEvent(
  'NodeUp',
  Type.Object({ network: NetworkId }, { additionalProperties: false }),
  'A node that was down passed a probe again (it came back by itself, no one had to tell the hub).',
);

export const nodeEvents = [NodeDown, NodeUp] as const;

export type NodeEvent = EventsOf<typeof nodeEvents>;

/** Narrows a stored event to `Stored<NodeEvent>`. */
export const isNodeEvent = eventGuard(nodeEvents);
