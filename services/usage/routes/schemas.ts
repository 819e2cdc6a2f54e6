import { Type, type Static } from '@sinclair/typebox';
import { Lane } from '../../../events/catalog/common';
import { AssetUsed, PickName, PickSendItem } from '../../../events/catalog/pick-events';
import { Id, Nullable, PageQuery, Paged, Time } from '../../gateway/schemas';
import { GROUP_BY, MARK_KINDS } from '../report/usage-report';

/** The usage service's route schemas: picks, usage marks, the usage report. */

export const PickParams = Type.Object({ id: { ...Id, description: 'The pick id' } });
export const PickItemParams = Type.Object({
  id: { ...Id, description: 'The pick id' },
  assetId: { ...Id, description: 'The asset id' },
});

export const PickBody = Type.Object({ name: PickName }, { additionalProperties: false });
export const PickItemBody = Type.Object(
  { assetId: { ...Id, description: 'An asset you may see' } },
  { additionalProperties: false },
);
export const PickSendBody = Type.Object(
  {
    network: Type.String({ description: 'The network every item is fetched into' }),
    lane: Type.Optional(Lane),
  },
  { additionalProperties: false },
);

export const PicksQuery = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'Every user’s picks (admins only); yours otherwise' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const PickSummary = Type.Object(
  {
    id: Type.String(),
    owner: Type.String(),
    name: Type.String(),
    items: Type.Integer({ description: 'Assets in it now' }),
    sends: Type.Integer(),
    lastSentAt: Nullable(Time),
    createdAt: Time,
    updatedAt: Time,
    version: Type.Integer(),
  },
  { title: 'PickSummary' },
);
export const PickPage = Paged(PickSummary);

const SendItem = Type.Object({
  ...PickSendItem.properties,
  outcome: Type.Union(
    ['held', 'fetching', 'failed', 'requested'].map((o) => Type.Literal(o)),
    {
      description:
        '`held`: the network has a good copy, nothing moves; `fetching`: a transfer brings it (transferId); ' +
        '`failed`: the store could not fetch it (code, reason); `requested`: the store has not answered yet',
    },
  ),
});

export const PickSendJson = Type.Object({
  sendId: Type.String(),
  network: Type.String(),
  lane: Type.Optional(Type.String()),
  sentAt: Time,
  answered: Type.Boolean({ description: 'Whether the store said what each item became' }),
  items: Type.Array(SendItem),
});

export const PickJson = Type.Object(
  {
    id: Type.String(),
    owner: Type.String(),
    name: Type.String(),
    items: Type.Array(Type.String(), { description: 'Asset ids, in the order added' }),
    sends: Type.Array(PickSendJson),
    createdAt: Time,
    updatedAt: Time,
    version: Type.Integer({ description: 'Version of the pick’s stream (send it as If-Match)' }),
  },
  { title: 'Pick' },
);

export const SendAccepted = Type.Object(
  { pickId: Type.String(), ...PickSendJson.properties },
  { title: 'PickSendAccepted' },
);

export const UsageBody = Type.Object(
  {
    department: AssetUsed.schema.properties.department,
    program: AssetUsed.schema.properties.program,
    where: AssetUsed.schema.properties.where,
    note: AssetUsed.schema.properties.note,
  },
  { additionalProperties: false },
);
export type UsageInput = Static<typeof UsageBody>;

const Kind = Type.Union(
  MARK_KINDS.map((k) => Type.Literal(k)),
  {
    description:
      '`hand` (POST .../usage), `fetch` (a fetch into a network), `download` (a content read from its first byte), ' +
      '`pick` (a pick sent to a network)',
  },
);

export const UsageQuery = Type.Object({ kind: Type.Optional(Kind), ...PageQuery }, { additionalProperties: false });

export const UsageMarkJson = Type.Object(
  {
    id: Type.String(),
    assetId: Type.String(),
    kind: Kind,
    actor: Type.String({ description: 'Who: user:<name> or connector:<network>' }),
    at: Time,
    network: Nullable(Type.String()),
    department: Nullable(Type.String()),
    program: Nullable(Type.String()),
    where: Nullable(Type.String()),
    note: Nullable(Type.String()),
  },
  { title: 'UsageMark' },
);
export const UsagePage = Paged(UsageMarkJson);
export const MarkAccepted = Type.Object({ id: Type.String(), assetId: Type.String() }, { title: 'UsageMarkAccepted' });

export const ReportQuery = Type.Object(
  {
    from: Type.Optional({ ...Time, description: 'Marks at or after this time' }),
    to: Type.Optional({ ...Time, description: 'Marks before this time' }),
    groupBy: Type.Union(
      GROUP_BY.map((g) => Type.Literal(g)),
      { default: 'asset', description: '`user` is the actor; `department` is a hand mark’s' },
    ),
    format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });
export const ReportJson = Type.Object(
  {
    from: Nullable(Time),
    to: Nullable(Time),
    groupBy: Type.String(),
    total: Count,
    items: Type.Array(
      Type.Object({
        key: Nullable(Type.String(), { description: 'The group; null for marks without one' }),
        name: Type.Optional(Nullable(Type.String({ description: 'The asset’s original name (by asset)' }))),
        count: Count,
        hand: Count,
        fetch: Count,
        download: Count,
        pick: Count,
      }),
    ),
  },
  { title: 'UsageReport' },
);
