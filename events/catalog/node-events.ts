import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, NetworkId, Reason } from './common';

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

/** Most problems an audit's record lists; the counts always cover every one (the replicas' own events name each). */
export const AUDIT_PROBLEMS_LISTED = 100;

const Instant = Type.String({ format: 'date-time' });
const Count = Type.Integer({ minimum: 0 });

export const NodeAuditFinished = defineEvent(
  'NodeAuditFinished',
  Type.Object(
    {
      network: NetworkId,
      /** The audit's id, as its report gave it when it began (the CLI waits for this one). */
      auditId: Type.String({ minLength: 1, maxLength: 100 }),
      trigger: Type.Union([Type.Literal('request'), Type.Literal('schedule')]),
      state: Type.Union([Type.Literal('done'), Type.Literal('failed')]),
      startedAt: Instant,
      finishedAt: Instant,
      checked: Count,
      verified: Count,
      missing: Count,
      /** Delivered files gone from an inbox whose network takes them (`inbox: taken`); absent before there were any. */
      taken: Type.Optional(Count),
      corrupt: Count,
      bytes: Count,
      problems: Type.Array(
        Type.Object(
          {
            assetId: AssetId,
            path: Type.String({ minLength: 1, maxLength: 4096 }),
            state: Type.Union([Type.Literal('missing'), Type.Literal('corrupt')]),
            movedTo: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        { maxItems: AUDIT_PROBLEMS_LISTED },
      ),
      note: Type.Optional(Reason),
    },
    { additionalProperties: false },
  ),
  "A fixity audit of the node ended: what it checked and found, so any hub process (and the next start) can answer for it. Each replica's outcome is also on its asset's stream (ReplicaVerified, ReplicaMissing, ReplicaTaken, ReplicaCorrupt).",
);

export const nodeEvents = [NodeDown, NodeUp, NodeAuditFinished] as const;

export type NodeEvent = EventsOf<typeof nodeEvents>;

/** Narrows a stored event to `Stored<NodeEvent>`. */
export const isNodeEvent = eventGuard(nodeEvents);
