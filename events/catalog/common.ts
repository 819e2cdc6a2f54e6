import { Type } from '@sinclair/typebox';

export const NetworkId = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'network id, e.g. broadcast' });
export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const AssetId = Type.String({ minLength: 1, maxLength: 100 });
export const TransferId = Type.String({ minLength: 1, maxLength: 100 });
/** The transfer lanes, most urgent first: every list of lanes (events, routes, channels) is this one. */
export const LANES = ['urgent', 'normal'] as const;
export const Lane = Type.Union(LANES.map((l) => Type.Literal(l)));
export const Priority = Type.Integer({
  minimum: 1,
  maximum: 10,
  description:
    'Transfer priority, one scale everywhere (API, CLI, sidecar, console): 1 (highest) to 10 (lowest); 1 and 2 travel in the urgent lane unless a lane is named',
});
export const Reason = Type.String({ minLength: 1, maxLength: 2000 });
export const Stage = Type.Union([
  Type.Literal('whitelist'),
  Type.Literal('intrusion'),
  Type.Literal('antivirus'),
  Type.Literal('analysis'),
  Type.Literal('sidecar'),
]);
/** Why a replica is where it is: `origin` (dropped there), `delivered` (into an inbox), `cached` (by a fetch). */
export const REPLICA_KINDS = ['origin', 'delivered', 'cached'] as const;
export const ReplicaKind = Type.Union(REPLICA_KINDS.map((k) => Type.Literal(k)));
export type ReplicaKind = (typeof REPLICA_KINDS)[number];
