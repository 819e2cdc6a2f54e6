import type { Sql } from '../../../lib/db/sql';
import { sqlParams } from '../../../lib/keyset-cursor';
import { summarize, type CountRow, type GroupBy, type UsageReport } from '../report/usage-report';

export interface ReportQuery {
  /** Marks at or after this time; absent: from the first. */
  from?: string;
  /** Marks before this time; absent: up to now. */
  to?: string;
  groupBy: GroupBy;
  /**
   * Count only marks on assets held in one of these networks (origin or a
   * replica): a scoped caller counts what it may see. Absent: every asset.
   */
  networks?: readonly string[];
}

const KEY: Record<GroupBy, string> = {
  asset: 'm.asset_id',
  user: 'm.actor',
  department: 'm.department',
  network: 'm.network',
};

/** Counts of the usage marks of a period by group and kind, summed up by `summarize`. */
export function createUsageReport(sql: Sql) {
  return async (query: ReportQuery): Promise<UsageReport> => {
    const params = sqlParams();
    const where: string[] = [];
    if (query.from !== undefined) where.push(`m.created_at >= ${params.param(query.from)}::timestamptz`);
    if (query.to !== undefined) where.push(`m.created_at < ${params.param(query.to)}::timestamptz`);
    if (query.networks !== undefined) {
      where.push(`exists (select 1 from rm_usage_asset_networks n
                           where n.asset_id = m.asset_id and n.network = any(${params.param(query.networks)}::text[]))`);
    }
    const byAsset = query.groupBy === 'asset';
    const rows = await sql.query<CountRow>(
      `select ${KEY[query.groupBy]} as key, ${byAsset ? 'a.original_name' : 'null'} as name, m.kind,
              count(*)::int as count
         from rm_usage_marks m ${byAsset ? 'left join rm_usage_assets a on a.asset_id = m.asset_id' : ''}
        ${where.length ? `where ${where.join(' and ')}` : ''}
        group by 1, 2, 3`,
      params.values,
    );
    const items = summarize(rows, query.groupBy);
    return {
      from: query.from ?? null,
      to: query.to ?? null,
      groupBy: query.groupBy,
      total: items.reduce((sum, i) => sum + i.count, 0),
      items,
    };
  };
}

export type UsageReportQuery = ReturnType<typeof createUsageReport>;
