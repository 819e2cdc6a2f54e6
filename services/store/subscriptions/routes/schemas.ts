import { Type, type Static } from '@sinclair/typebox';
import { Lane, NetworkId, Priority } from '../../../../events/catalog/common';
import { SubscriptionMatch } from '../../../../events/catalog/subscription-events';
import { Id, Nullable, PageQuery, Paged, Time } from '../../../gateway/schemas';

/**
 * The subscriptions routes' schemas. What JSON Schema cannot say (networks
 * configured, globs that compile, sidecar fields that exist) the domain
 * checks (`checkRule`), with the same 400 naming the field.
 */

const Networks = Type.Array(NetworkId, { minItems: 1, maxItems: 100, description: 'Assets from these networks only' });
const Match = {
  ...SubscriptionMatch,
  description:
    'What a cleared asset must be; every condition given must hold. types: extensions without the dot; nameGlob: ' +
    'a glob on the original name (case-insensitive); sidecar: {field: value or glob}, fields title, materialId, ' +
    'programmeId, category, description, rights, priority, checksum or extra.<key>; durations from the analysis',
};

export const SubscriptionBody = Type.Object(
  {
    network: { ...NetworkId, description: 'The network that receives the assets' },
    from: Type.Optional(Networks),
    match: Type.Optional(Match),
    lane: Type.Optional(Lane),
    priority: Type.Optional(Priority),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type SubscriptionInput = Static<typeof SubscriptionBody>;

// One schema with two types rather than a union: fastify's ajv coerces, and in a union with null it would turn 0 into null.
const NullablePriority = Type.Unsafe<number | null>({ ...Priority, type: ['integer', 'null'] });

export const SubscriptionPatch = Type.Object(
  {
    network: Type.Optional(NetworkId),
    from: Type.Optional(Nullable(Networks)),
    match: Type.Optional(Nullable(Match)),
    lane: Type.Optional(Nullable(Lane)),
    priority: Type.Optional(NullablePriority),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: 'The parts to change; null takes an optional part away' },
);
export type SubscriptionPatchInput = Static<typeof SubscriptionPatch>;

export const SubscriptionParams = Type.Object({ id: { ...Id, description: 'The subscription id' } });

export const SubscriptionsQuery = Type.Object(
  {
    network: Type.Optional({ ...NetworkId, description: 'Subscriptions of this receiving network' }),
    enabled: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const RuleFields = {
  network: Type.String(),
  from: Type.Optional(Type.Array(Type.String())),
  match: Type.Optional(Match),
  lane: Type.Optional(Type.String()),
  priority: Type.Optional(Type.Integer()),
  enabled: Type.Boolean(),
};

export const SubscriptionJson = Type.Object(
  {
    id: Type.String(),
    ...RuleFields,
    matches: Type.Integer({ description: 'Assets the subscription took so far' }),
    lastMatchedAt: Nullable(Time),
    createdBy: Type.String(),
    createdAt: Time,
    updatedAt: Time,
    version: Type.Integer({ description: 'Version of the subscription stream the row reflects (send it as If-Match)' }),
  },
  { title: 'Subscription' },
);
export const SubscriptionPage = Paged(SubscriptionJson);

/** What a command answers: the subscription as its stream says now (the list may lag by the projection's delay). */
export const SubscriptionAccepted = Type.Object(
  {
    id: Type.String(),
    ...RuleFields,
    version: Type.Integer({ description: 'Version of the subscription stream after the command' }),
  },
  { title: 'SubscriptionAccepted' },
);

export const BackfillBody = Type.Object(
  { since: { ...Time, description: 'Apply the rule to assets cleared at or after this time' } },
  { additionalProperties: false },
);
export const BackfillResult = Type.Object({
  subscriptionId: Type.String(),
  since: Time,
  examined: Type.Integer({ description: 'Cleared assets looked at' }),
  matched: Type.Integer({ description: 'Assets the subscription took now (each one sent unless bound there already)' }),
});
