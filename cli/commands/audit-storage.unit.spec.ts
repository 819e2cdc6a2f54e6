import { auditOne, formatAuditReports } from './audit-storage';

const base = {
  id: '01a23c00-0000-7000-8000-000000000000',
  trigger: 'request' as const,
  state: 'done' as const,
  startedAt: '2026-12-02T10:00:00.000Z',
  finishedAt: '2026-12-02T10:00:02.500Z',
  bytes: 3 * 1024 * 1024,
  taken: 0,
};

describe('mxhub audit-storage', () => {
  test('one line per node, then each replica found missing or corrupt with where it went or why', () => {
    const out = formatAuditReports(
      [
        { ...base, network: 'news', checked: 3, verified: 3, missing: 0, corrupt: 0, problems: [] },
        {
          ...base,
          network: 'archive',
          checked: 6,
          verified: 0,
          missing: 1,
          corrupt: 1,
          taken: 4,
          problems: [
            {
              assetId: 'a1',
              path: '/n/archive/cache/a.mxf',
              state: 'corrupt',
              movedTo: '/n/archive/.mxhub/corrupt/a1/x',
            },
            {
              assetId: 'a2',
              path: '/n/archive/inbox/b.wav',
              state: 'missing',
              reason: 'the file cannot be read (ENOENT)',
            },
          ],
        },
      ],
      [{ id: 'broadcast', reason: '/n/broadcast does not resolve (ENOENT)' }],
    );
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NODE\s+STATE\s+CHECKED\s+VERIFIED\s+MISSING\s+CORRUPT\s+TAKEN\s+MiB\s+SECONDS$/);
    expect(lines[1]).toMatch(/^news\s+done\s+3\s+3\s+0\s+0\s+0\s+3\.0\s+2\.5$/);
    expect(lines[2]).toMatch(/^archive\s+done\s+6\s+0\s+1\s+1\s+4\s+3\.0\s+2\.5$/);
    expect(lines[3]).toMatch(/^broadcast\s+down$/);
    expect(out).toMatch(/archive\s+a1\s+corrupt\s+\/n\/archive\/cache\/a\.mxf\s+\/n\/archive\/\.mxhub\/corrupt\/a1\/x/);
    expect(out).toMatch(/archive\s+a2\s+missing\s+\/n\/archive\/inbox\/b\.wav\s+the file cannot be read \(ENOENT\)/);
    expect(out).toContain('broadcast: not audited, the node is down (/n/broadcast does not resolve (ENOENT))');
  });

  test('a clean audit prints no problem table', () => {
    const out = formatAuditReports([
      { ...base, network: 'news', checked: 1, verified: 1, missing: 0, corrupt: 0, problems: [] },
    ]);
    expect(out.trim().split('\n')).toHaveLength(2);
  });

  test('waits for the report of the audit it started, whatever older audit another hub process answers with', async () => {
    const report = (id: string, state: 'running' | 'done') => ({
      ...base,
      id,
      state,
      network: 'news',
      checked: state === 'done' ? 3 : 0,
      verified: 0,
      missing: 0,
      corrupt: 0,
      problems: [],
    });
    const answers = [
      report('older', 'done'),
      report('mine', 'running'),
      report('older', 'done'),
      report('mine', 'done'),
    ];
    const asked: string[] = [];
    const ask = async (method: 'POST' | 'GET', path: string) => {
      asked.push(`${method} ${path}`);
      return method === 'POST' ? report('mine', 'running') : answers.shift()!;
    };
    expect(await auditOne(ask, 'news', 1)).toMatchObject({ id: 'mine', state: 'done', checked: 3 });
    expect(asked).toEqual(['POST /v1/nodes/news/audit', ...Array(4).fill('GET /v1/nodes/news/audit')]);
  });
});
