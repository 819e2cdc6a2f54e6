import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, Lane, NetworkId, Reason, TransferId } from './common';

/**
 * Picks (issue 14 item 5): a user's named bins of assets, each on its own
 * stream (`pick-<id>`), and the usage marks people put on an asset's stream.
 */

export const PickId = Type.String({ minLength: 1, maxLength: 100 });
export const PickName = Type.String({ minLength: 1, maxLength: 200 });
export const SendId = Type.String({ minLength: 1, maxLength: 100 });

export const PickCreated = defineEvent(
  'PickCreated',
  Type.Object(
    {
      pickId: PickId,
      /** The actor who made it (`user:<name>`): only it sees and changes the pick. */
      owner: Type.String({ minLength: 1, maxLength: 200 }),
      name: PickName,
    },
    { additionalProperties: false },
  ),
  'A user made a pick: a named bin of assets of its own.',
);

export const PickRenamed = defineEvent(
  'PickRenamed',
  Type.Object({ pickId: PickId, name: PickName }, { additionalProperties: false }),
  'The owner gave the pick another name.',
);

const PickItem = Type.Object({ pickId: PickId, assetId: AssetId }, { additionalProperties: false });

export const PickItemAdded = defineEvent('PickItemAdded', PickItem, 'The owner put an asset into the pick.');
export const PickItemRemoved = defineEvent('PickItemRemoved', PickItem, 'The owner took an asset out of the pick.');

export const PickDeleted = defineEvent(
  'PickDeleted',
  Type.Object({ pickId: PickId }, { additionalProperties: false }),
  'The owner deleted the pick; what it sent stays sent.',
);

export const PickSent = defineEvent(
  'PickSent',
  Type.Object(
    {
      pickId: PickId,
      /** One send of the pick: the store answers it once (`PickSendAnswered`), however often it is delivered. */
      sendId: SendId,
      /** The network every item is to be fetched into. */
      network: NetworkId,
      lane: Type.Optional(Lane),
      /** The pick's items when it was sent, in the order they were added. */
      assetIds: Type.Array(AssetId, { minItems: 1, maxItems: 1000 }),
    },
    { additionalProperties: false },
  ),
  'The owner sent the pick to a network: the store fetches each item there (as POST /v1/assets/{id}/fetch would).',
);

/** What one item of a send became: held already, a fetch's transfer, or why the store could not fetch it. */
export const PickSendItem = Type.Object(
  {
    assetId: AssetId,
    outcome: Type.Union([Type.Literal('held'), Type.Literal('fetching'), Type.Literal('failed')]),
    transferId: Type.Optional(TransferId),
    sourceNetwork: Type.Optional(NetworkId),
    /** The store's error code and message, for a failed item. */
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

export const PickSendAnswered = defineEvent(
  'PickSendAnswered',
  Type.Object(
    { pickId: PickId, sendId: SendId, network: NetworkId, items: Type.Array(PickSendItem) },
    { additionalProperties: false },
  ),
  'The store answered a send of the pick (on the pick’s stream): what each item became.',
);

/** On the asset's stream: someone (the event's actor) says where the asset was used. */
export const AssetUsed = defineEvent(
  'AssetUsed',
  Type.Object(
    {
      assetId: AssetId,
      department: Type.String({ minLength: 1, maxLength: 200 }),
      program: Type.String({ minLength: 1, maxLength: 200 }),
      /** Where it was used: a slot, a channel, a page (free text). */
      where: Type.String({ minLength: 1, maxLength: 500 }),
      note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
  'A user marked the asset as used (POST /v1/assets/{id}/usage): by whom (the actor), in which department, programme and where.',
);

export const pickEvents = [
  PickCreated,
  PickRenamed,
  PickItemAdded,
  PickItemRemoved,
  PickDeleted,
  PickSent,
  PickSendAnswered,
] as const;

export type PickEvent = EventsOf<typeof pickEvents>;

/** Narrows a stored event to `Stored<PickEvent>` (the events of a `pick-<id>` stream). */
export const isPickEvent = eventGuard(pickEvents);

export const usageEvents = [AssetUsed] as const;
export type UsageEvent = EventsOf<typeof usageEvents>;
