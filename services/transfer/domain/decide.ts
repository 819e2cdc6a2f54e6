import type { DataOf } from '../../../events/catalog/define';
import type { TransferRequested } from '../../../events/catalog/transfer-events';
import type { Decider } from '../../../events/decider';
import { StateError } from '../../../lib/errors';
import {
  evolve,
  initialTransferState,
  isTransferStreamEvent,
  type Lane,
  type TransferState,
  type TransferStatus,
  type TransferStreamEvent,
} from './transfer';

/** Saga steps, recorded by the worker that runs the transfer. */
export type SagaCommand =
  | { type: 'Start'; channel: string; worker: string; resumeFrom: number }
  | { type: 'RecordReserved'; bytes: number; tempPath: string }
  | { type: 'RecordVerified'; sha256: string; bytes: number }
  | { type: 'RecordCommitted'; path: string }
  | { type: 'Complete'; path: string; sha256: string; bytes: number; durationMs: number }
  /** Commit and completion in one append, once the replica is registered: one write fewer per transfer. */
  | { type: 'Finish'; path: string; sha256: string; bytes: number; durationMs: number }
  | { type: 'Fail'; reason: string; retryable: boolean; step: string }
  | { type: 'RecordCompensated'; actions: string[] }
  /** The rendition steps (TransferRequested.rendition): a failed rendition fails the transfer for good. */
  | { type: 'StartRendition' }
  | { type: 'RecordRendition'; path: string; sha256: string; sizeBytes: number }
  | { type: 'FailRendition'; reason: string };

/** Operator and admin commands. A lane or priority left out of Reprioritize keeps its value. */
export type AdminCommand =
  | { type: 'Reprioritize'; lane?: Lane; priority?: number }
  | { type: 'Pause'; reason?: string; bytesDone: number }
  | { type: 'Resume' }
  | { type: 'Cancel'; reason?: string }
  | { type: 'Retry'; reason?: string };

/** Opens a transfer's stream (see `requestTransfer`); asking for one that exists already changes nothing. */
export interface RequestCommand {
  type: 'Request';
  request: DataOf<typeof TransferRequested>;
}

export type TransferCommand = SagaCommand | AdminCommand | RequestCommand;

/** A transfer event without `transferId`, which `decide` adds from the state. */
type Fact<E extends TransferStreamEvent = TransferStreamEvent> = E extends TransferStreamEvent
  ? { type: E['type']; data: Omit<E['data'], 'transferId'> }
  : never;

function expect(state: TransferState, allowed: TransferStatus[], what: string): void {
  if (!allowed.includes(state.status)) {
    throw new StateError(`transfer ${state.transferId} is ${state.status}: ${what} needs it ${allowed.join(' or ')}`, {
      transferId: state.transferId,
      status: state.status,
    });
  }
}

/**
 * The transfer aggregate: what a command means for one transfer, as events
 * to append with expected version `state.version`. Pure; throws StateError
 * when the transfer's state does not allow the command.
 */
export function decide(command: TransferCommand, state: TransferState): TransferStreamEvent[] {
  if (command.type === 'Request') {
    return state.status === 'none' ? [{ type: 'TransferRequested', data: command.request }] : [];
  }
  return facts(command, state).map(
    (f) => ({ type: f.type, data: { transferId: state.transferId, ...f.data } }) as TransferStreamEvent,
  );
}

function facts(command: SagaCommand | AdminCommand, state: TransferState): Fact[] {
  switch (command.type) {
    case 'Start':
      expect(state, ['queued', 'running'], 'starting');
      return [
        {
          type: 'TransferStarted',
          data: {
            channel: command.channel,
            worker: command.worker,
            attempt: state.attempts + 1,
            resumeFrom: command.resumeFrom,
          },
        },
      ];
    case 'RecordReserved':
      expect(state, ['running'], 'a reservation');
      return [{ type: 'TransferReserved', data: { bytes: command.bytes, tempPath: command.tempPath } }];
    case 'RecordVerified':
      expect(state, ['running'], 'a verified copy');
      return [{ type: 'TransferVerified', data: { sha256: command.sha256, bytes: command.bytes } }];
    case 'RecordCommitted':
      expect(state, ['running'], 'a commit');
      return [{ type: 'TransferCommitted', data: { path: command.path } }];
    case 'Complete': {
      expect(state, ['running'], 'completion');
      const { path, sha256, bytes, durationMs } = command;
      return [{ type: 'TransferCompleted', data: { path, sha256, bytes, durationMs } }];
    }
    case 'Finish': {
      expect(state, ['running'], 'completion');
      const { path, sha256, bytes, durationMs } = command;
      return [
        { type: 'TransferCommitted', data: { path } },
        { type: 'TransferCompleted', data: { path, sha256, bytes, durationMs } },
      ];
    }
    case 'Fail':
      expect(state, ['running'], 'a failure');
      return [
        {
          type: 'TransferFailed',
          data: { reason: command.reason, retryable: command.retryable, step: command.step },
        },
      ];
    case 'RecordCompensated':
      expect(state, ['failed', 'cancelled', 'queued'], 'a compensation');
      return [{ type: 'TransferCompensated', data: { actions: command.actions } }];
    case 'StartRendition':
    case 'RecordRendition':
    case 'FailRendition':
      return renditionFacts(command, state);
    case 'Reprioritize': {
      expect(state, ['queued', 'paused', 'failed'], 'a new lane or priority');
      const lane = command.lane ?? state.lane;
      const priority = command.priority ?? state.priority;
      if (lane === state.lane && priority === state.priority) return [];
      return [
        {
          type: 'TransferReprioritized',
          data: { lane, priority, previousLane: state.lane, previousPriority: state.priority },
        },
      ];
    }
    case 'Pause':
      expect(state, ['queued', 'running'], 'pausing');
      return [
        {
          type: 'TransferPaused',
          data: { bytesDone: command.bytesDone, ...(command.reason ? { reason: command.reason } : {}) },
        },
      ];
    case 'Resume':
      expect(state, ['paused'], 'resuming');
      return [{ type: 'TransferResumed', data: {} }];
    case 'Cancel':
      expect(state, ['queued', 'running', 'paused', 'failed'], 'cancelling');
      return [{ type: 'TransferCancelled', data: command.reason ? { reason: command.reason } : {} }];
    case 'Retry':
      expect(state, ['failed', 'cancelled'], 'a retry');
      // A retried transfer runs again from the start: a cancelled one first has its partial copy and
      // reservation removed, or the new attempt would resume from what the cancellation is undoing.
      if (state.status === 'cancelled' && !state.compensated && !state.committed) {
        throw new StateError(
          `transfer ${state.transferId} is cancelled and its partial copy is still being removed: retry it once that is done`,
          { transferId: state.transferId, status: state.status },
        );
      }
      return [{ type: 'TransferRetried', data: command.reason ? { reason: command.reason } : {} }];
    default: {
      const unhandled: never = command;
      throw new StateError(`unknown transfer command ${JSON.stringify(unhandled)}`);
    }
  }
}

function renditionFacts(
  command: Extract<SagaCommand, { type: 'StartRendition' | 'RecordRendition' | 'FailRendition' }>,
  state: TransferState,
): Fact[] {
  expect(state, ['running'], 'a rendition');
  const profile = state.rendition?.profile;
  if (!profile) throw new StateError(`transfer ${state.transferId} delivers the original: it has no rendition`);
  switch (command.type) {
    case 'StartRendition':
      return [{ type: 'RenditionStarted', data: { profile } }];
    case 'RecordRendition': {
      const { path, sha256, sizeBytes } = command;
      return [{ type: 'RenditionCreated', data: { profile, path, sha256, sizeBytes, sourceSha256: state.sha256 } }];
    }
    case 'FailRendition':
      // Rendering again makes the same rendition from the same source: the failure is final.
      return [
        { type: 'RenditionFailed', data: { profile, reason: command.reason } },
        { type: 'TransferFailed', data: { reason: command.reason, retryable: false, step: 'render' } },
      ];
  }
}

/** The transfer aggregate for `handleCommand` (events/handle-command.ts). */
export const transferDecider: Decider<TransferState, TransferCommand, TransferStreamEvent> = {
  initialState: initialTransferState,
  evolve,
  decide,
  isEvent: isTransferStreamEvent,
};
