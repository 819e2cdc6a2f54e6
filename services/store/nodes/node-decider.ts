import { isNodeEvent, type NodeEvent } from '../../../events/catalog/node-events';
import type { Decider, StreamState } from '../../../events/decider';

/** A node as its stream `node-<id>` says: up until a probe found it down. */
export interface NodeState extends StreamState {
  up: boolean;
  /** Why it is down (the last NodeDown's reason). */
  reason?: string;
}

/** What one probe of the node found: every hub process that probes reports it the same way. */
export type NodeCommand =
  | { type: 'RecordProbe'; network: string; up: true }
  | { type: 'RecordProbe'; network: string; up: false; reason: string };

/**
 * Says NodeDown or NodeUp only when a probe changes what the stream says, so
 * several hub processes probing the same node append one event per change
 * (the second writer's append conflicts, it reads again and decides nothing).
 * A node never seen down is up: its first sound probe says nothing.
 */
export const nodeDecider: Decider<NodeState, NodeCommand, NodeEvent> = {
  initialState: () => ({ version: 0, correlationId: '', lastEventId: '', up: true }),
  isEvent: isNodeEvent,
  evolve(state, event) {
    const base = { ...state, version: event.version, lastEventId: event.id };
    if (state.version === 0) base.correlationId = event.metadata.correlationId;
    switch (event.type) {
      case 'NodeDown':
        return { ...base, up: false, reason: event.data.reason };
      case 'NodeUp':
        return { ...base, up: true, reason: undefined };
      case 'NodeAuditFinished':
        // The stream also keeps the node's audits; they say nothing of whether it is up.
        return base;
      default: {
        const never: never = event;
        return never;
      }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RecordProbe':
        if (command.up === state.up) return [];
        return command.up
          ? [{ type: 'NodeUp', data: { network: command.network } }]
          : [{ type: 'NodeDown', data: { network: command.network, reason: command.reason } }];
      default: {
        const never: never = command.type;
        return never;
      }
    }
  },
};
