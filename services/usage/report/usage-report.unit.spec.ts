import { reportCsv, reportFileName, summarize, type CountRow, type UsageReport } from './usage-report';

const rows: CountRow[] = [
  { key: '新闻部', name: null, kind: 'hand', count: 2 },
  { key: null, name: null, kind: 'fetch', count: 3 },
  { key: 'sport, "live"', name: null, kind: 'hand', count: 1 },
  { key: '新闻部', name: null, kind: 'download', count: 1 },
  { key: 'archive', name: null, kind: 'hand', count: 1 },
];

describe('usage report', () => {
  test('one item per group, its kinds summed; most used first, ties by key, the group without a key last', () => {
    expect(summarize(rows, 'department')).toEqual([
      { key: '新闻部', count: 3, hand: 2, fetch: 0, download: 1, pick: 0 },
      { key: null, count: 3, hand: 0, fetch: 3, download: 0, pick: 0 },
      { key: 'archive', count: 1, hand: 1, fetch: 0, download: 0, pick: 0 },
      { key: 'sport, "live"', count: 1, hand: 1, fetch: 0, download: 0, pick: 0 },
    ]);
  });

  test('by asset, each item names the asset', () => {
    const byAsset = summarize(
      [
        { key: 'a1', name: 'clip.mxf', kind: 'pick', count: 1 },
        { key: 'a1', name: 'clip.mxf', kind: 'fetch', count: 1 },
      ],
      'asset',
    );
    expect(byAsset).toEqual([{ key: 'a1', name: 'clip.mxf', count: 2, hand: 0, fetch: 1, download: 0, pick: 1 }]);
  });

  test('CSV: a BOM, a header row, RFC 4180 quoting, CRLF; the JSON rows in the same order', () => {
    const report: UsageReport = {
      from: '2026-12-01T00:00:00.000Z',
      to: null,
      groupBy: 'department',
      total: 8,
      items: summarize(rows, 'department'),
    };
    const csv = reportCsv(report);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'department,count,hand,fetch,download,pick',
      '新闻部,3,2,0,1,0',
      ',3,0,3,0,0',
      'archive,1,1,0,0,0',
      '"sport, ""live""",1,1,0,0,0',
      '',
    ]);
    expect(reportFileName(report)).toBe('usage-by-department-2026-12-01-to-all.csv');
  });

  test('CSV by asset has the name column', () => {
    const csv = reportCsv({
      from: null,
      to: null,
      groupBy: 'asset',
      total: 1,
      items: [{ key: 'a1', name: '民生新闻.mxf', count: 1, hand: 1, fetch: 0, download: 0, pick: 0 }],
    });
    expect(csv.slice(1).split('\r\n').slice(0, 2)).toEqual([
      'asset,name,count,hand,fetch,download,pick',
      'a1,民生新闻.mxf,1,1,0,0,0',
    ]);
  });
});
