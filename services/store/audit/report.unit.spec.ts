import { AUDIT_PROBLEMS_LISTED } from '../../../events/catalog/node-events';
import { emptyReport, finishedRecord, recordOutcome, reportFromRecord } from './report';

describe('audit report record', () => {
  const at = new Date('2026-12-03T10:00:00.000Z');

  test('an ended audit is recorded whole and read back as the same report', () => {
    const report = {
      ...emptyReport('01a2', 'news', 'request', at),
      state: 'done' as const,
      finishedAt: '2026-12-03T10:00:05.000Z',
      checked: 2,
      verified: 1,
      missing: 1,
      bytes: 10,
      problems: [{ assetId: 'a1', path: '/n/news/inbox/a.wav', state: 'missing' as const, reason: 'ENOENT' }],
    };
    const record = finishedRecord(report);
    expect(record).toMatchObject({ auditId: '01a2', network: 'news', state: 'done', missing: 1 });
    expect(reportFromRecord(record)).toEqual(report);
  });

  test('the problem list is capped, the counts stay whole and the note says how many are not listed', () => {
    const problems = Array.from({ length: AUDIT_PROBLEMS_LISTED + 5 }, (_, i) => ({
      assetId: `a${i}`,
      path: `/n/news/inbox/${i}.wav`,
      state: 'missing' as const,
    }));
    const report = { ...emptyReport('01a3', 'news', 'schedule', at), state: 'failed' as const, missing: 105, problems };
    const record = finishedRecord({ ...report, note: 'the node went down' });
    expect(record.problems).toHaveLength(AUDIT_PROBLEMS_LISTED);
    expect(record).toMatchObject({ state: 'failed', missing: 105 });
    expect(record.note).toBe("the node went down; 5 more problems are not listed here; each is on its asset's stream");
  });

  test('a delivered file taken from its inbox is counted as taken, not listed as a problem; a record from before reads as 0', () => {
    const report = emptyReport('01a4', 'broadcast', 'request', at);
    recordOutcome(
      report,
      { assetId: 'a1', path: '/n/broadcast/inbox/a.wav' },
      { type: 'ReplicaTaken', data: { assetId: 'a1', network: 'broadcast', path: '/n/broadcast/inbox/a.wav' } },
      0,
    );
    expect(report).toMatchObject({ checked: 1, taken: 1, missing: 0, problems: [] });
    const { taken: _, ...older } = finishedRecord({ ...report, state: 'done', finishedAt: at.toISOString() });
    expect(reportFromRecord(older).taken).toBe(0);
  });
});
