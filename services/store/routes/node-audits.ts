import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { CHANGERS, commandErrors, Nullable, READERS, readErrors, Time } from '../../gateway/schemas';
import { NotFoundError, StateError, ValidationError } from '../../../lib/errors';
import type { Auditor } from '../audit/auditor';

const NodeParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const AuditReportJson = Type.Object({
  /** The audit's id: a client that started one waits for the report with this id. */
  id: Type.String(),
  network: Type.String(),
  trigger: Type.Union([Type.Literal('request'), Type.Literal('schedule')]),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  startedAt: Time,
  finishedAt: Nullable(Time),
  checked: Type.Integer(),
  verified: Type.Integer(),
  missing: Type.Integer(),
  /** Delivered files the network's systems took from its inbox (`inbox: taken`): not problems. */
  taken: Type.Integer(),
  corrupt: Type.Integer(),
  bytes: Type.Integer(),
  problems: Type.Array(
    Type.Object({
      assetId: Type.String(),
      path: Type.String(),
      state: Type.Union([Type.Literal('missing'), Type.Literal('corrupt')]),
      movedTo: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
    }),
  ),
  note: Type.Optional(Type.String()),
});

export interface NodeAuditRouteDeps {
  auditor: Pick<Auditor, 'audit' | 'report'>;
  /** Configured network ids. */
  networks: readonly string[];
  isUp: (network: string) => boolean;
}

/**
 * A node's fixity audit: `POST` starts one now over every replica it holds
 * (answered at once with the report as it begins; an audit already under way
 * is the one answered), `GET` reads the latest: the one this process runs,
 * or the last any process recorded (`NodeAuditFinished` on `node-<id>`).
 */
export function nodeAuditRoutes(deps: NodeAuditRouteDeps): GatewayRoutes {
  const known = (id: string) => {
    if (!deps.networks.includes(id))
      throw new ValidationError(`id: no network '${id}'; known: ${deps.networks.join(', ')}`, { field: 'id' });
  };
  return async (app) => {
    app.post(
      '/nodes/:id/audit',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['store'],
          summary: 'Start a fixity audit of every replica on the node now',
          params: NodeParams,
          response: { 202: AuditReportJson, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        known(id);
        if (!deps.isUp(id)) throw new StateError(`node ${id} is down: its replicas cannot be audited until it is up`);
        const meta = commandMetadata(request);
        const { report } = deps.auditor.audit(id, { actor: meta.actor, correlationId: meta.correlationId, all: true });
        return reply.code(202).send(report);
      },
    );

    app.get(
      '/nodes/:id/audit',
      {
        config: { roles: READERS },
        schema: {
          tags: ['store'],
          summary: 'The last (or current) fixity audit of the node, by any hub process',
          params: NodeParams,
          response: { 200: AuditReportJson, ...readErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        known(id);
        const report = await deps.auditor.report(id);
        if (!report) throw new NotFoundError(`node ${id} has not been audited yet`);
        return report;
      },
    );
  };
}
