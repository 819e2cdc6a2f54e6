import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { NetworkId } from '../../events/catalog/common';
import { AuthError } from '../../lib/errors';
import type { GatewayRoutes } from '../gateway/deps';
import { commandMetadata } from '../gateway/plugins/correlation';
import { ErrorResponse } from '../gateway/schemas';
import type { ScreeningCommands } from './commands';
import { MAX_PAGE } from '../../lib/keyset-cursor';
import type { AssetQueries } from './read-model/queries';

export interface ScreeningRouteDeps {
  queries: AssetQueries;
  commands: Pick<ScreeningCommands, 'release' | 'remove'>;
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const OpenObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
const Time = Type.String({ format: 'date-time' });

const AssetParams = Type.Object({
  assetId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: 'The asset id (a UUIDv7)' }),
});
type AssetParams = Static<typeof AssetParams>;

const AssetState = Type.Union(
  ['detected', 'ingested', 'screening', 'cleared', 'quarantined', 'released', 'deleted'].map((s) => Type.Literal(s)),
);

const PageParams = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 100 })),
  cursor: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9_-]{1,400}$', description: 'The `nextCursor` of the previous page' }),
  ),
};
const PageQuery = Type.Object(PageParams, { additionalProperties: false });
type PageQuery = Static<typeof PageQuery>;

const AssetsQuery = Type.Object(
  {
    state: Type.Optional(AssetState),
    sourceNetwork: Type.Optional(NetworkId),
    target: Type.Optional({ ...NetworkId, description: 'Assets sent to this network' }),
    ...PageParams,
  },
  { additionalProperties: false },
);
type AssetsQuery = Static<typeof AssetsQuery>;

const NextCursor = Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' }));

const SummaryFields = {
  assetId: Type.String(),
  state: Type.String(),
  sourceNetwork: Nullable(Type.String()),
  targets: Type.Array(Type.String()),
  originalName: Nullable(Type.String()),
  sizeBytes: Nullable(Type.Integer()),
  sha256: Nullable(Type.String()),
  createdAt: Time,
  updatedAt: Time,
  version: Type.Integer({ description: 'Version of the asset stream the row reflects' }),
};
const ListFields = {
  ...SummaryFields,
  verdicts: Type.Array(OpenObject('A stage verdict: stage, passed, rule, reason, engines, at')),
  technical: Nullable(OpenObject('Technical metadata from deep analysis')),
  quarantine: Nullable(OpenObject('Why and where the asset is quarantined: stage, rule, reason, path, at')),
  deferred: Nullable(OpenObject('A stage waiting for an unreachable engine: stage, reason, retryInMs, at')),
};
const AssetListItem = Type.Object(ListFields, { title: 'AssetListItem' });

const AssetDetail = Type.Object(
  {
    ...ListFields,
    sidecar: Nullable(OpenObject('The parsed sidecar')),
    replicas: Type.Array(
      Type.Object({ network: Type.String(), path: Type.String(), sha256: Type.String(), storedAt: Time }),
    ),
  },
  { title: 'Asset' },
);

const QuarantinedAsset = Type.Object(
  {
    assetId: Type.String(),
    originalName: Nullable(Type.String()),
    sha256: Nullable(Type.String()),
    sourceNetwork: Nullable(Type.String()),
    targets: Type.Array(Type.String()),
    sizeBytes: Nullable(Type.Integer()),
    stage: Nullable(Type.String({ description: 'The stage that refused the asset' })),
    rule: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    quarantinedAt: Nullable(Time),
  },
  { title: 'QuarantinedAsset' },
);

// The command trims and asks for 3 characters; the schema says so up front.
const Reason = Type.String({ minLength: 3, maxLength: 2000, description: 'Why: kept in the event log' });

const ReleaseBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('rescreen'), Type.Literal('override')], {
      description: '`rescreen` runs every stage again (admin, operator); `override` clears the asset as it is (admin)',
    }),
    reason: Reason,
  },
  { additionalProperties: false },
);
type ReleaseBody = Static<typeof ReleaseBody>;

const DeleteBody = Nullable(Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }));
type DeleteBody = Static<typeof DeleteBody>;
const DeleteQuery = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
type DeleteQuery = Static<typeof DeleteQuery>;

const READERS = ['admin', 'operator', 'auditor', 'viewer'] as const;
const errors = { 400: ErrorResponse, 404: ErrorResponse };
const commandErrors = { ...errors, 403: ErrorResponse, 409: ErrorResponse };

/**
 * Assets and the quarantine: reads from the assets read model, and the
 * admin commands on quarantined assets (release, delete). Reads may lag
 * the log by the projection's delay; commands decide on the stream itself.
 */
export function createScreeningRoutes(deps: ScreeningRouteDeps): GatewayRoutes {
  const { queries, commands } = deps;
  return async (app) => {
    app.get<{ Querystring: AssetsQuery }>(
      '/assets',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'List assets, newest first',
          querystring: AssetsQuery,
          response: {
            200: Type.Object({ items: Type.Array(AssetListItem), next: NextCursor, nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request) => queries.list(request.query),
    );

    app.get<{ Params: AssetParams }>(
      '/assets/:assetId',
      {
        config: { roles: READERS },
        schema: {
          tags: ['assets'],
          summary: 'One asset with its verdicts, metadata, quarantine facts and replicas',
          params: AssetParams,
          response: { 200: AssetDetail, ...errors },
        },
      },
      async (request) => queries.get(request.params.assetId),
    );

    app.get<{ Querystring: PageQuery }>(
      '/quarantine',
      {
        config: { roles: READERS },
        schema: {
          tags: ['quarantine'],
          summary: 'Assets in quarantine, with the stage, rule and reason that put them there',
          querystring: PageQuery,
          response: {
            200: Type.Object({ items: Type.Array(QuarantinedAsset), next: NextCursor, nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request) => queries.quarantine(request.query),
    );

    app.post<{ Params: AssetParams; Body: ReleaseBody }>(
      '/assets/:assetId/release',
      {
        config: { roles: ['admin', 'operator'] },
        schema: {
          tags: ['quarantine'],
          summary: 'Release a quarantined asset: rescreen it, or (admin) override the refusal',
          params: AssetParams,
          body: ReleaseBody,
          response: {
            202: Type.Object({
              assetId: Type.String(),
              version: Type.Integer({ description: 'Version of the asset stream after the release' }),
              mode: Type.String(),
            }),
            ...commandErrors,
          },
        },
      },
      async (request, reply) => {
        const { assetId } = request.params;
        const { mode, reason } = request.body;
        // Delivering a refused file unscreened is the riskiest act in the hub: admins only.
        if (mode === 'override' && request.principal?.role !== 'admin') {
          throw new AuthError(403, `role ${request.principal?.role} may not override a refusal; allowed: admin`);
        }
        const result = await commands.release(assetId, { mode, reason }, commandMetadata(request));
        return reply.status(202).send({ assetId, version: result.nextVersion, mode });
      },
    );

    app.delete<{ Params: AssetParams; Body: DeleteBody; Querystring: DeleteQuery }>(
      '/assets/:assetId',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['quarantine'],
          summary: 'Delete a quarantined asset and its files; the reason goes in the body or as ?reason=',
          params: AssetParams,
          querystring: DeleteQuery,
          body: DeleteBody,
          response: {
            200: Type.Object({ assetId: Type.String(), deleted: Type.Boolean() }),
            ...commandErrors,
          },
        },
      },
      async (request) => {
        const { assetId } = request.params;
        // Missing in both places: the command's ValidationError names `reason`.
        const reason = request.body?.reason ?? request.query.reason ?? '';
        await commands.remove(assetId, { reason }, commandMetadata(request));
        return { assetId, deleted: true };
      },
    );
  };
}
