import type { Stored } from '../../../events/catalog/stored';
import type { TransferEvent } from '../../../events/catalog/transfer-events';
import { StateError } from '../../../lib/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { transferDecider, type TransferCommand } from './decide';
import { deliveredFile } from './rendition';
import { isTerminal, nextAction, stepShown, type TransferState, type TransferStreamEvent } from './transfer';

const { given } = deciderSpec(transferDecider, {
  streamId: 'transfer-t1',
  metadata: { correlationId: 'a1', causationId: 'x', actor: 'service:transfer' },
  context: { actor: 'service:transfer/w1' },
});

const source = 'a'.repeat(64);
const made = { path: '/n/news/.mxhub/renditions/t1/clip.mxf', sha256: 'b'.repeat(64), sizeBytes: 900 };

const requested = (rendition?: { profile: string }): TransferEvent => ({
  type: 'TransferRequested',
  data: {
    transferId: 't1',
    assetId: 'a1',
    sourceNetwork: 'news',
    targetNetwork: 'broadcast',
    lane: 'normal',
    priority: 5,
    sizeBytes: 100,
    sha256: source,
    ...(rendition ? { rendition } : {}),
  },
});

const start = { type: 'Start', channel: 'normal-1', worker: 'w1', resumeFrom: 0 } as const;
const render = { type: 'RecordRendition', ...made } as const;

function run(commands: TransferCommand[], rendition = { profile: 'xdcam-hd422-mxf' }) {
  let history: Array<Stored<TransferStreamEvent>> = given([requested(rendition)]).history;
  const types: string[] = [];
  for (const command of commands) {
    const decided = given(history).when(command);
    types.push(...decided.events.map((e) => e.type));
    history = decided.history;
  }
  return { state: given(history).state, types, events: history.map((e) => e) };
}

describe('a delivery as a rendition', () => {
  test('renders after the start and before the reservation, which is then the rendition’s', () => {
    expect(nextAction(run([start]).state, true)).toBe('render');
    expect(nextAction(run([start, { type: 'StartRendition' }]).state, true)).toBe('render');
    const rendered = run([start, { type: 'StartRendition' }, render]);
    expect(rendered.types).toEqual(['TransferStarted', 'RenditionStarted', 'RenditionCreated']);
    expect(rendered.events.at(-1)?.data).toEqual({
      transferId: 't1',
      profile: 'xdcam-hd422-mxf',
      ...made,
      sourceSha256: source,
    });
    expect(nextAction(rendered.state, true)).toBe('reserve');
    expect(deliveredFile(rendered.state)).toEqual(made);
  });

  test('a transfer without a rendition never renders and copies the original', () => {
    const plain = given([requested()]).when(start).state;
    expect(nextAction(plain, true)).toBe('reserve');
    expect(deliveredFile(plain)).toEqual({ sha256: source, sizeBytes: 100 });
  });

  test('a rendition started again forgets the one made before (gone or damaged): render again', () => {
    const again = run([start, { type: 'StartRendition' }, render, { type: 'StartRendition' }]);
    expect(again.state.rendition).toEqual({ profile: 'xdcam-hd422-mxf' });
    expect(nextAction(again.state, true)).toBe('render');
  });

  test('a failed rendition fails the transfer for good, step render; compensated, it is terminal', () => {
    const failed = run([
      start,
      { type: 'StartRendition' },
      { type: 'FailRendition', reason: 'ffmpeg: moov atom not found' },
    ]);
    expect(failed.types.slice(-2)).toEqual(['RenditionFailed', 'TransferFailed']);
    expect(failed.state).toMatchObject({
      status: 'failed',
      lastError: { reason: 'ffmpeg: moov atom not found', step: 'render', retryable: false },
    });
    expect(nextAction(failed.state, true)).toBe('compensate');
    const done = run([
      start,
      { type: 'StartRendition' },
      { type: 'FailRendition', reason: 'r' },
      { type: 'RecordCompensated', actions: ['removed the rendition'] },
    ]);
    expect(isTerminal(done.state)).toBe(true);
  });

  test('compensation removes the rendition: a retried transfer renders again', () => {
    const cancelled = run([start, { type: 'StartRendition' }, render, { type: 'Cancel' }]);
    expect(nextAction(cancelled.state, true)).toBe('compensate');
    const retried = run([
      start,
      { type: 'StartRendition' },
      render,
      { type: 'Cancel' },
      { type: 'RecordCompensated', actions: ['removed the rendition'] },
      { type: 'Retry' },
      start,
    ]);
    expect(retried.state.rendition).toEqual({ profile: 'xdcam-hd422-mxf' });
    expect(nextAction(retried.state, true)).toBe('render');
  });

  test('the step shown: rendering while ffmpeg runs, reserving once the rendition is recorded', () => {
    expect(stepShown('running', 'rendering', false)).toBe('rendering');
    expect(stepShown('running', 'rendered', false)).toBe('reserving');
    expect(stepShown('failed', 'render', false)).toBe('render');
  });

  test('rendition steps need a running transfer that has a rendition', () => {
    expect(() => given([requested({ profile: 'p' })]).when({ type: 'StartRendition' }).events).toThrow(StateError);
    const plain: TransferState = given([requested()]).when(start).state;
    expect(() => transferDecider.decide({ type: 'StartRendition' }, plain)).toThrow('it has no rendition');
  });
});
