import { Type } from '@sinclair/typebox';
import { create as contentDisposition } from 'content-disposition';
import { ValidationError } from '../../../lib/errors';
import type { Role } from '../../gateway/auth';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { visibleNetworks } from '../../gateway/rights';
import { AssetParams, commandErrors, READERS, readErrors } from '../../gateway/schemas';
import type { UsageCommands } from '../commands';
import type { UsageQueries } from '../read-model/queries';
import type { UsageReportQuery } from '../read-model/report-query';
import { reportCsv, reportFileName } from '../report/usage-report';
import { PICKERS } from './picks';
import { MarkAccepted, ReportJson, ReportQuery, UsageBody, UsagePage, UsageQuery } from './schemas';
import { assertAssetExists } from './visible';

/** Who reads the usage report: the station's evaluation is an admin's, an auditor's or an operator's. */
export const REPORTERS: readonly Role[] = ['admin', 'auditor', 'operator'];
/** Whose report counts every mark: the roles that answer for the whole station. */
const UNSCOPED_REPORT: readonly Role[] = ['admin', 'auditor'];

export interface UsageRouteDeps {
  commands: Pick<UsageCommands, 'markUsage'>;
  queries: Pick<UsageQueries, 'marks'>;
  report: UsageReportQuery;
}

const tags = ['usage'];

/** format=csv: UTF-8 with a BOM, a header row, RFC 4180 quoting, as an attachment. */
const CsvText = Type.String({ description: 'The report as CSV (format=csv)' });

/**
 * Usage marks: who used an asset, when and where. People mark by hand;
 * fetches, downloads and pick sends mark by themselves. The report counts
 * them per asset, user, department or network, as JSON or as CSV.
 */
export function usageRoutes(deps: UsageRouteDeps): GatewayRoutes {
  return async (app) => {
    app.post(
      '/assets/:assetId/usage',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Mark the asset as used: department, programme, where (you, now, are the rest of the mark)',
          params: AssetParams,
          body: UsageBody,
          response: { 201: MarkAccepted, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { assetId } = request.params;
        await assertAssetExists(request, assetId);
        const { department, program, where, note } = request.body;
        const input = { assetId, department, program, where, ...(note !== undefined ? { note } : {}) };
        const { markId } = await deps.commands.markUsage(input, commandMetadata(request));
        return reply.code(201).send({ id: markId, assetId });
      },
    );

    app.get(
      '/assets/:assetId/usage',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'The asset’s usage marks, newest first',
          params: AssetParams,
          querystring: UsageQuery,
          response: { 200: UsagePage, ...readErrors },
        },
      },
      async (request) => {
        await assertAssetExists(request, request.params.assetId);
        return deps.queries.marks(request.params.assetId, request.query);
      },
    );

    app.get(
      '/reports/usage',
      {
        config: { roles: REPORTERS },
        schema: {
          tags,
          summary: 'Usage marks of a period counted per asset, user, department or network (JSON or CSV)',
          querystring: ReportQuery,
          response: {
            200: {
              content: {
                'application/json': { schema: ReportJson },
                'text/csv': { schema: CsvText },
              },
            },
            ...readErrors,
          },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const { from, to, groupBy, format } = request.query;
        if (from !== undefined && to !== undefined && Date.parse(to) <= Date.parse(from)) {
          throw new ValidationError(`to: must be after from (${from}), got ${to}`, { field: 'to' });
        }
        const networks = UNSCOPED_REPORT.includes(principal.role) ? undefined : visibleNetworks(principal);
        const report = await deps.report({
          groupBy,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(networks !== undefined ? { networks } : {}),
        });
        if (format === 'json') return report;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(reportFileName(report)))
          .send(reportCsv(report));
      },
    );
  };
}
