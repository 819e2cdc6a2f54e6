import type { StoredEvent } from '../../../events/envelope';
import { StateError } from '../../../lib/errors';
import { decide, type TransferCommand } from './decide';
import { foldTransfer, isTerminal, nextAction, type TransferState } from './transfer';

let seq = 0;
const ctx = { actor: 'user:op', now: '2026-11-22T10:00:00.000Z', newId: () => `id-${++seq}` };

const requested = {
  type: 'TransferRequested',
  data: {
    transferId: 't1',
    assetId: 'a1',
    sourceNetwork: 'news',
    targetNetwork: 'broadcast',
    lane: 'normal',
    priority: 5,
    sizeBytes: 100,
    sha256: 'a'.repeat(64),
  },
};

function stored(events: Array<{ type: string; data: Record<string, unknown> }>): StoredEvent[] {
  return events.map((e, i) => ({
    id: `e${i + 1}`,
    streamId: 'transfer-t1',
    version: i + 1,
    position: BigInt(i + 1),
    type: e.type,
    schemaVersion: 1,
    data: { transferId: 't1', ...e.data },
    metadata: { correlationId: 'a1', causationId: 'x', actor: 'service:transfer', occurredAt: ctx.now },
    prevHash: '',
    hash: '',
    recordedAt: ctx.now,
  }));
}

/** Runs commands in order from the requested state, folding each decision in; returns the final state. */
function run(commands: TransferCommand[]): { state: TransferState; types: string[] } {
  let events = stored([requested]);
  const types: string[] = [];
  for (const command of commands) {
    const decided = decide(command, foldTransfer(events), ctx);
    types.push(...decided.map((e) => e.type));
    events = stored([
      ...events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
      ...decided.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
    ]);
  }
  return { state: foldTransfer(events), types };
}

const start = { type: 'Start', channel: 'normal-1', worker: 'w1', resumeFrom: 0 } as const;

describe('transfer saga decisions', () => {
  test('a requested transfer is started, then each step follows the last one recorded', () => {
    expect(nextAction(run([]).state, false)).toBe('start');
    expect(nextAction(run([start]).state, true)).toBe('reserve');
    const reserved = run([start, { type: 'RecordReserved', bytes: 100, tempPath: '/b/.mxhub/partial/t1.part' }]);
    expect(nextAction(reserved.state, true)).toBe('copy');
    const verified = run([
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'RecordVerified', sha256: 'a'.repeat(64), bytes: 100 },
    ]);
    expect(nextAction(verified.state, true)).toBe('commit');
    const committed = run([
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'RecordVerified', sha256: 'a'.repeat(64), bytes: 100 },
      { type: 'RecordCommitted', path: '/b/inbox/clip.mxf' },
    ]);
    expect(nextAction(committed.state, true)).toBe('register');
    const done = run([
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'RecordVerified', sha256: 'a'.repeat(64), bytes: 100 },
      { type: 'RecordCommitted', path: '/b/inbox/clip.mxf' },
      { type: 'Complete', path: '/b/inbox/clip.mxf', sha256: 'a'.repeat(64), bytes: 100, durationMs: 5 },
    ]);
    expect(done.state.status).toBe('succeeded');
    expect(isTerminal(done.state)).toBe(true);
    expect(nextAction(done.state, true)).toBe('none');
  });

  test('a running transfer whose worker died is taken over by starting it again (attempt + 1)', () => {
    const { state } = run([start, { type: 'RecordReserved', bytes: 100, tempPath: '/p' }]);
    expect(nextAction(state, false)).toBe('start');
    const again = run([start, { type: 'RecordReserved', bytes: 100, tempPath: '/p' }, start]);
    expect(again.state.attempts).toBe(2);
    // The reservation survives the takeover: the copy resumes into the same partial file.
    expect(nextAction(again.state, true)).toBe('copy');
  });

  test('a retryable failure queues it again; a final one is compensated, then terminal', () => {
    const retry = run([start, { type: 'Fail', reason: 'EIO', retryable: true, step: 'copy' }]);
    expect(retry.state.status).toBe('queued');
    const final = run([
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'Fail', reason: 'source missing', retryable: false, step: 'copy' },
    ]);
    expect(final.state.status).toBe('failed');
    expect(nextAction(final.state, true)).toBe('compensate');
    const compensated = run([
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'Fail', reason: 'source missing', retryable: false, step: 'copy' },
      { type: 'RecordCompensated', actions: ['removed /p'] },
    ]);
    expect(isTerminal(compensated.state)).toBe(true);
    expect(compensated.state.reserved).toBeUndefined();
  });

  test('admin control: reprioritize a waiting transfer, pause, resume, cancel, retry a failed one', () => {
    expect(run([{ type: 'Reprioritize', lane: 'urgent', priority: 1 }]).state).toMatchObject({
      lane: 'urgent',
      priority: 1,
    });
    expect(run([{ type: 'Reprioritize', lane: 'normal', priority: 5 }]).types).toEqual([]);
    expect(run([{ type: 'Pause', bytesDone: 0 }]).state.status).toBe('paused');
    expect(run([{ type: 'Pause', bytesDone: 0 }, { type: 'Resume' }]).state.status).toBe('queued');
    const cancelledWhileRunning = run([
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'Cancel', reason: 'wrong file' },
    ]);
    expect(cancelledWhileRunning.state.status).toBe('cancelled');
    expect(nextAction(cancelledWhileRunning.state, false)).toBe('compensate');
    expect(run([{ type: 'Cancel' }]).state).toMatchObject({ status: 'cancelled' });
    expect(isTerminal(run([{ type: 'Cancel' }]).state)).toBe(true);
    const retried = run([
      start,
      { type: 'Fail', reason: 'no space', retryable: false, step: 'reserve' },
      { type: 'Retry' },
    ]);
    expect(retried.state.status).toBe('queued');
  });

  test('commands the state does not allow are refused with a StateError naming the state', () => {
    expect(() => run([{ type: 'Resume' }])).toThrow(StateError);
    expect(() => run([{ type: 'Retry' }])).toThrow(/is queued: a retry needs it failed/);
    expect(() => run([start, { type: 'Reprioritize', lane: 'urgent', priority: 1 }])).toThrow(StateError);
    expect(() => run([{ type: 'RecordVerified', sha256: 'a'.repeat(64), bytes: 1 }])).toThrow(StateError);
  });
});
