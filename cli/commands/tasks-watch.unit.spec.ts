import { formatBoard, formatTasks, logLines, waitingReason, type WaitContext, type WatchedTask } from './tasks';

const task = (over: Partial<WatchedTask> = {}): WatchedTask => ({
  id: 't1',
  assetId: 'a1',
  targetNetwork: 'broadcast',
  state: 'queued',
  lane: 'normal',
  priority: 5,
  step: 'requested',
  bytesTotal: 4_000_000,
  bytesDone: 0,
  attempts: 0,
  error: null,
  durationMs: null,
  bytesPerSecond: null,
  etaSeconds: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:05.000Z',
  ...over,
});

const ctx = (over: Partial<WaitContext> = {}): WaitContext => ({
  networks: [{ id: 'broadcast', paused: false, reason: null, bandwidthMbps: null }],
  lanes: [
    { name: 'urgent', channels: 4, busy: 4, bandwidthMbps: null },
    { name: 'normal', channels: 12, busy: 12, bandwidthMbps: null },
  ],
  ...over,
});

describe('mxhub tasks watch: what each waiting task waits for', () => {
  test('given a paused target network, then the network and its reason', () => {
    const paused = ctx({ networks: [{ id: 'broadcast', paused: true, reason: 'maintenance', bandwidthMbps: null }] });
    expect(waitingReason(task(), paused)).toBe('network broadcast paused: maintenance');
  });

  test('given a failed attempt, then backing off until the saga tries again, with the error', () => {
    // Two failed attempts: the saga waits 4 s after the second (1 s, doubling).
    expect(waitingReason(task({ attempts: 2, error: 'target disk full' }), ctx())).toBe(
      'backing off until 2026-12-01T10:00:09.000Z (attempt 2: target disk full)',
    );
  });

  test('given every channel of its lane busy, then lane full; a paused task says so', () => {
    expect(waitingReason(task(), ctx())).toBe(
      'lane full: waiting for a normal channel (12 of 12 busy in this process)',
    );
    expect(waitingReason(task({ state: 'paused' }), ctx())).toBe('paused by an operator');
  });

  test('the board: running first with progress, then waiting ones with their reason, each with file and asset', () => {
    const names = new Map([
      ['a1', 'clip.mxf'],
      ['a2', 'news.mov'],
    ]);
    const out = formatBoard(
      [
        task({ id: 'q1' }),
        task({
          id: 'r1',
          assetId: 'a2',
          state: 'running',
          bytesDone: 2_000_000,
          bytesPerSecond: 1_000_000,
          etaSeconds: 2,
        }),
      ],
      names,
      ctx(),
    );
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+FILE\s+ASSET\s+STATE\s+LANE\s+PRI\s+TARGET\s+PROGRESS\s+RATE \/ WAITING FOR$/);
    expect(lines[1]).toMatch(
      /^r1\s+news\.mov\s+a2\s+running\s+normal\s+5\s+broadcast\s+\[#{10}\.{10}\] 50%\s+1 MB\/s eta 2s$/,
    );
    expect(lines[2]).toMatch(/^q1\s+clip\.mxf\s+a1\s+queued\s+.*lane full: waiting for a normal channel/);
    expect(formatBoard([], names, ctx())).toBe('no task is running, queued or paused\n');
  });

  test('tasks list with names: file name and asset id after the id', () => {
    const out = formatTasks([task()], new Map([['a1', 'clip.mxf']]));
    expect(out.split('\n')[0]).toMatch(/^ID\s+FILE\s+ASSET\s+STATE/);
    expect(out.split('\n')[1]).toMatch(/^t1\s+clip\.mxf\s+a1\s+queued/);
  });
});

describe('mxhub tasks watch without a terminal', () => {
  test('running tasks every refresh, a waiting task only when its reason is new or changed', () => {
    const names = new Map([['a1', 'clip.mxf']]);
    const said = new Map<string, string>();
    const running = task({ id: 'r1', state: 'running', bytesDone: 1_000_000, bytesPerSecond: 500_000, etaSeconds: 6 });
    const queued = task({ id: 'q1' });
    expect(logLines([running, queued], names, ctx(), said)).toEqual([
      'r1 normal 25% 1 MB/4 MB 500 kB/s eta 6s clip.mxf a1',
      'q1 normal clip.mxf a1 queued: lane full: waiting for a normal channel (12 of 12 busy in this process)',
    ]);
    expect(logLines([running, queued], names, ctx(), said)).toEqual([
      'r1 normal 25% 1 MB/4 MB 500 kB/s eta 6s clip.mxf a1',
    ]);
    const paused = ctx({ networks: [{ id: 'broadcast', paused: true, reason: null, bandwidthMbps: null }] });
    expect(logLines([queued], names, paused, said)).toEqual(['q1 normal clip.mxf a1 queued: network broadcast paused']);
    expect(logLines([], names, paused, said)).toEqual(['no task is running, queued or paused']);
    expect(logLines([], names, paused, said)).toEqual([]);
  });
});
