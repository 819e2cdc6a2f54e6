import { formatBytes, formatDuration, formatTasks, listQuery, parsePriority, progressLine, type Task } from './tasks';

const task = (over: Partial<Task> = {}): Task => ({
  id: '0192f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f',
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
  createdAt: '2026-11-22T10:00:00.000Z',
  ...over,
});

describe('mxhub tasks formatting', () => {
  test('bytes in decimal units, durations in s, m and h', () => {
    expect(formatBytes(null)).toBe('-');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(2_000_000_000)).toBe('2 GB');
    expect(formatDuration(null)).toBe('-');
    expect(formatDuration(6)).toBe('6s');
    expect(formatDuration(65)).toBe('1m 5s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h 7m');
  });

  test('the table: a header, columns aligned, ETA while running, duration and rate once done, the error last', () => {
    const out = formatTasks([
      task({
        id: 'run-1',
        state: 'running',
        lane: 'urgent',
        priority: 1,
        step: 'reserved',
        bytesDone: 1_000_000,
        bytesPerSecond: 500_000,
        etaSeconds: 6,
        attempts: 1,
      }),
      task({
        id: 'done-22',
        state: 'succeeded',
        step: 'registered',
        bytesDone: 4_000_000,
        durationMs: 2000,
        bytesPerSecond: 2_000_000,
        attempts: 1,
        targetNetwork: 'archive',
      }),
      task({ id: 'fail-3', state: 'failed', step: 'copy', attempts: 3, error: 'target disk full' }),
    ]);
    expect(out.split('\n')).toEqual([
      'ID       STATE      LANE    PRI  TARGET     SIZE  DONE  RATE      TIME     TRIES  STEP        ERROR',
      'run-1    running    urgent  1    broadcast  4 MB  25%   500 kB/s  eta 6s   1      reserved',
      'done-22  succeeded  normal  5    archive    4 MB  100%  2 MB/s    took 2s  1      registered',
      'fail-3   failed     normal  5    broadcast  4 MB  0%    -         -        3      copy        target disk full',
      '',
    ]);
    expect(formatTasks([])).toBe('no tasks\n');
  });

  test('a progress line for watch without a terminal', () => {
    const line = progressLine(
      task({ state: 'running', bytesDone: 3_000_000, bytesPerSecond: 1_000_000, etaSeconds: 1, lane: 'urgent' }),
    );
    expect(line).toBe('0192f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f urgent 75% 3 MB/4 MB 1 MB/s eta 1s');
  });

  test('list flags become the API query; none gives none', () => {
    expect(listQuery({})).toBe('');
    expect(listQuery({ state: 'queued', lane: 'urgent', network: 'broadcast', asset: 'a 1', limit: '5' })).toBe(
      '?state=queued&lane=urgent&network=broadcast&assetId=a+1&limit=5',
    );
  });

  test('--priority takes 1 to 10 and names itself when refused', () => {
    expect(parsePriority('1')).toBe(1);
    expect(parsePriority('10')).toBe(10);
    for (const bad of ['0', '11', '2.5', 'high', '']) {
      expect(() => parsePriority(bad)).toThrow(
        `--priority must be a whole number from 1 (highest) to 10, got "${bad}"`,
      );
    }
  });
});
