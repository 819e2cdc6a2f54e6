import { Type, type Static } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { AssetId, Lane, NetworkId, Priority } from './common';

export const SubscriptionId = Type.String({ minLength: 1, maxLength: 100 });

/** File extension without the dot, lower case: `wav`, `mxf`. */
export const Extension = Type.String({ pattern: '^[a-z0-9]{1,16}$' });

/**
 * What an asset must be for a subscription to take it; every field given must
 * hold. Globs are picomatch globs, validated when the rule is made.
 */
export const SubscriptionMatch = Type.Object(
  {
    types: Type.Optional(Type.Array(Extension, { minItems: 1, maxItems: 100 })),
    nameGlob: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    sidecar: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 1024 }))),
    minDurationSeconds: Type.Optional(Type.Number({ minimum: 0 })),
    maxDurationSeconds: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** A subscription's rule: which cleared assets the network receives, and how they travel. */
export const SubscriptionRule = {
  network: NetworkId,
  from: Type.Optional(Type.Array(NetworkId, { minItems: 1, maxItems: 100 })),
  match: Type.Optional(SubscriptionMatch),
  lane: Type.Optional(Lane),
  priority: Type.Optional(Priority),
};
/** The rule alone, as one schema (the fields every subscription event repeats). */
export const SubscriptionRuleSchema = Type.Object(SubscriptionRule, { additionalProperties: false });
export type SubscriptionRuleData = Static<typeof SubscriptionRuleSchema>;

export const SubscriptionCreated = defineEvent(
  'SubscriptionCreated',
  Type.Object(
    { subscriptionId: SubscriptionId, ...SubscriptionRule, enabled: Type.Boolean() },
    { additionalProperties: false },
  ),
  'An admin made a rule by which a network automatically receives cleared assets.',
);

export const SubscriptionChanged = defineEvent(
  'SubscriptionChanged',
  Type.Object({ subscriptionId: SubscriptionId, ...SubscriptionRule }, { additionalProperties: false }),
  'An admin changed a subscription; the data is the whole rule after the change.',
);

const subscriptionOnly = Type.Object({ subscriptionId: SubscriptionId }, { additionalProperties: false });

export const SubscriptionDisabled = defineEvent(
  'SubscriptionDisabled',
  subscriptionOnly,
  'The subscription takes no new assets until enabled again.',
);
export const SubscriptionEnabled = defineEvent(
  'SubscriptionEnabled',
  subscriptionOnly,
  'The subscription takes cleared assets again.',
);
export const SubscriptionRemoved = defineEvent(
  'SubscriptionRemoved',
  subscriptionOnly,
  'An admin removed the subscription; what it sent stays sent.',
);

/**
 * On the asset's stream (`asset-<id>`): a subscription took the cleared asset.
 * The transfer service answers it with a transfer to `network`, whose id is
 * the asset's and network's, so an asset already bound there is not sent twice.
 */
export const SubscriptionMatched = defineEvent(
  'SubscriptionMatched',
  Type.Object(
    {
      subscriptionId: SubscriptionId,
      assetId: AssetId,
      network: NetworkId,
      lane: Type.Optional(Lane),
      priority: Type.Optional(Priority),
      /** True when a backfill applied the rule after the asset was cleared. */
      backfill: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  'A subscription took a cleared asset: the subscribed network is to receive it.',
);

export const subscriptionEvents = [
  SubscriptionCreated,
  SubscriptionChanged,
  SubscriptionDisabled,
  SubscriptionEnabled,
  SubscriptionRemoved,
] as const;

export type SubscriptionEvent = EventsOf<typeof subscriptionEvents>;

/** Narrows a stored event to `Stored<SubscriptionEvent>` (the events of a `subscription-<id>` stream). */
export const isSubscriptionEvent = eventGuard(subscriptionEvents);

export const matchEvents = [SubscriptionMatched] as const;
