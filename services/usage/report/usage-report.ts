import { stringify } from 'csv-stringify/sync';
import type { MarkKind } from '../read-model/projection';

/** What the report counts by: the asset, who (the actor), the department of a hand mark, the network. */
export const GROUP_BY = ['asset', 'user', 'department', 'network'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const MARK_KINDS: readonly MarkKind[] = ['hand', 'fetch', 'download', 'pick'];

/** Marks of one kind in one group, as the read model counts them. */
export interface CountRow {
  /** The group; null for marks without one (a fetch has no department, a hand mark no network). */
  key: string | null;
  /** The asset's original name, when grouped by asset. */
  name: string | null;
  kind: MarkKind;
  count: number;
}

export type ReportItem = { key: string | null; name?: string | null; count: number } & Record<MarkKind, number>;

export interface UsageReport {
  from: string | null;
  to: string | null;
  groupBy: GroupBy;
  /** Every mark counted. */
  total: number;
  items: ReportItem[];
}

/**
 * One item per group with its marks by kind and in all, most used first (ties
 * by key; the group of marks without one last), so the JSON and the CSV list
 * the same rows in the same order.
 */
export function summarize(rows: readonly CountRow[], groupBy: GroupBy): ReportItem[] {
  const groups = new Map<string | null, ReportItem>();
  for (const row of rows) {
    let item = groups.get(row.key);
    if (!item) {
      item = {
        key: row.key,
        ...(groupBy === 'asset' ? { name: row.name } : {}),
        count: 0,
        hand: 0,
        fetch: 0,
        download: 0,
        pick: 0,
      };
      groups.set(row.key, item);
    }
    item[row.kind] += row.count;
    item.count += row.count;
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.count - a.count ||
      (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) ||
      (a.key ?? '').localeCompare(b.key ?? '', 'en'),
  );
}

const BOM = '\uFEFF';

/**
 * The report as a spreadsheet opens it: UTF-8 with a byte order mark (without
 * it Excel reads Chinese as mojibake), a header row, RFC 4180 quoting and
 * CRLF line ends. A group without a key is an empty cell.
 */
export function reportCsv(report: UsageReport): string {
  const byAsset = report.groupBy === 'asset';
  const header = [report.groupBy, ...(byAsset ? ['name'] : []), 'count', ...MARK_KINDS];
  const rows = report.items.map((i) => [
    i.key ?? '',
    ...(byAsset ? [i.name ?? ''] : []),
    i.count,
    ...MARK_KINDS.map((k) => i[k]),
  ]);
  return BOM + stringify([header, ...rows], { record_delimiter: 'windows' });
}

/** `usage-by-department-2026-12-01-to-2026-12-31.csv`: the dates of the period, `all` for an open end. */
export function reportFileName(report: UsageReport): string {
  const day = (t: string | null) => (t === null ? 'all' : t.slice(0, 10));
  return `usage-by-${report.groupBy}-${day(report.from)}-to-${day(report.to)}.csv`;
}
