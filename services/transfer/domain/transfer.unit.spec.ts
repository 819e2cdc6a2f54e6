import type { TransferEvent } from '../../../events/catalog/transfer-events';
import type { Stored } from '../../../events/catalog/stored';
import { StateError } from '../../../lib/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { transferDecider, type TransferCommand } from './decide';
import { isTerminal, nextAction, stepShown, type TransferState, type TransferStreamEvent } from './transfer';

const { given } = deciderSpec(transferDecider, {
  streamId: 'transfer-t1',
  metadata: { correlationId: 'a1', causationId: 'x', actor: 'service:transfer' },
  context: { actor: 'user:op' },
});

const requested: TransferEvent = {
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

/** Runs commands in order from the requested state, folding each decision in; returns the final state. */
function run(commands: TransferCommand[]): { state: TransferState; types: string[] } {
  let history: Array<Stored<TransferStreamEvent>> = given([requested]).history;
  const types: string[] = [];
  for (const command of commands) {
    const decided = given(history).when(command);
    types.push(...decided.events.map((e) => e.type));
    history = decided.history;
  }
  return { state: given(history).state, types };
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

  test('a cancelled transfer is retried once its compensation is done, and runs again from the start', () => {
    const cancelled: TransferCommand[] = [
      start,
      { type: 'RecordReserved', bytes: 100, tempPath: '/p' },
      { type: 'Cancel' },
    ];
    expect(() => run([...cancelled, { type: 'Retry' }])).toThrow(
      /is cancelled and its partial copy is still being removed/,
    );
    const compensated: TransferCommand[] = [...cancelled, { type: 'RecordCompensated', actions: ['removed /p'] }];
    const retried = run([...compensated, { type: 'Retry', reason: 'sent by mistake' }]);
    expect(retried.types.at(-1)).toBe('TransferRetried');
    expect(retried.state).toMatchObject({ status: 'queued', compensated: true, reserved: undefined });
    expect(nextAction(retried.state, false)).toBe('start');
    const restarted = run([...compensated, { type: 'Retry' }, start]);
    expect(restarted.state).toMatchObject({ status: 'running', attempts: 2 });
    expect(nextAction(restarted.state, true)).toBe('reserve');
    // Cancelled before it started: nothing to undo, so it can be retried at once.
    expect(run([{ type: 'Cancel' }, { type: 'Retry' }]).state.status).toBe('queued');
  });

  test('the step shown of a running transfer is the step running, not the last one recorded', () => {
    expect(stepShown('running', 'reserved', false)).toBe('copying');
    expect(stepShown('running', 'started', true)).toBe('copying'); // a resumed copy skips the reservation
    expect(stepShown('running', 'started', false)).toBe('reserving');
    expect(stepShown('running', 'verified', false)).toBe('committing');
    expect(stepShown('running', 'committed', false)).toBe('registering');
    expect(stepShown('succeeded', 'registered', false)).toBe('registered');
    expect(stepShown('failed', 'copy', false)).toBe('copy');
    expect(stepShown('queued', 'requested', true)).toBe('requested');
    expect(stepShown('queued', null, false)).toBeNull();
  });

  test('a lane or priority left out of a reprioritization keeps its value', () => {
    given([requested])
      .when({ type: 'Reprioritize', priority: 2 })
      .then([
        {
          type: 'TransferReprioritized',
          data: { transferId: 't1', lane: 'normal', priority: 2, previousLane: 'normal', previousPriority: 5 },
        },
      ]);
    given([requested]).when({ type: 'Reprioritize', lane: 'normal' }).then([]);
  });

  test('a request opens the stream once', () => {
    const request: TransferCommand = { type: 'Request', request: requested.data };
    given([]).when(request).then([requested]);
    given([requested]).when(request).then([]);
  });

  test('commands the state does not allow are refused with a StateError naming the state', () => {
    given([requested])
      .when({ type: 'Resume' })
      .thenThrows(StateError, /is queued: resuming needs it paused/);
    expect(() => run([{ type: 'Resume' }])).toThrow(StateError);
    expect(() => run([{ type: 'Retry' }])).toThrow(/is queued: a retry needs it failed/);
    expect(() => run([start, { type: 'Reprioritize', lane: 'urgent', priority: 1 }])).toThrow(StateError);
    expect(() => run([{ type: 'RecordVerified', sha256: 'a'.repeat(64), bytes: 1 }])).toThrow(StateError);
  });
});
