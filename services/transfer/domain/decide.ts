import type { EventMetadata, NewEvent } from '../../../events/envelope';
import { StateError } from '../../../lib/errors';
import type { Lane, TransferState, TransferStatus } from './transfer';

/** Saga steps, recorded by the worker that runs the transfer. */
export type SagaCommand =
  | { type: 'Start'; channel: string; worker: string; resumeFrom: number }
  | { type: 'RecordReserved'; bytes: number; tempPath: string }
  | { type: 'RecordVerified'; sha256: string; bytes: number }
  | { type: 'RecordCommitted'; path: string }
  | { type: 'Complete'; path: string; sha256: string; bytes: number; durationMs: number }
  | { type: 'Fail'; reason: string; retryable: boolean; step: string }
  | { type: 'RecordCompensated'; actions: string[] };

/** Operator and admin commands. */
export type AdminCommand =
  | { type: 'Reprioritize'; lane: Lane; priority: number }
  | { type: 'Pause'; reason?: string; bytesDone: number }
  | { type: 'Resume' }
  | { type: 'Cancel'; reason?: string }
  | { type: 'Retry'; reason?: string };

export type TransferCommand = SagaCommand | AdminCommand;

export interface TransferContext {
  actor: string;
  now: string;
  newId: () => string;
  correlationId?: string;
  causationId?: string;
}

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
export function decide(command: TransferCommand, state: TransferState, ctx: TransferContext): NewEvent[] {
  const events: NewEvent[] = [];
  const add = (type: string, data: Record<string, unknown> = {}) => {
    const metadata: EventMetadata = {
      correlationId: ctx.correlationId ?? state.correlationId,
      causationId: events.at(-1)?.id ?? ctx.causationId ?? state.lastEventId,
      actor: ctx.actor,
      occurredAt: ctx.now,
    };
    events.push({ id: ctx.newId(), type, data: { transferId: state.transferId, ...data }, metadata });
  };
  switch (command.type) {
    case 'Start':
      expect(state, ['queued', 'running'], 'starting');
      add('TransferStarted', {
        channel: command.channel,
        worker: command.worker,
        attempt: state.attempts + 1,
        resumeFrom: command.resumeFrom,
      });
      break;
    case 'RecordReserved':
      expect(state, ['running'], 'a reservation');
      add('TransferReserved', { bytes: command.bytes, tempPath: command.tempPath });
      break;
    case 'RecordVerified':
      expect(state, ['running'], 'a verified copy');
      add('TransferVerified', { sha256: command.sha256, bytes: command.bytes });
      break;
    case 'RecordCommitted':
      expect(state, ['running'], 'a commit');
      add('TransferCommitted', { path: command.path });
      break;
    case 'Complete':
      expect(state, ['running'], 'completion');
      add('TransferCompleted', {
        path: command.path,
        sha256: command.sha256,
        bytes: command.bytes,
        durationMs: command.durationMs,
      });
      break;
    case 'Fail':
      expect(state, ['running'], 'a failure');
      add('TransferFailed', { reason: command.reason, retryable: command.retryable, step: command.step });
      break;
    case 'RecordCompensated':
      expect(state, ['failed', 'cancelled', 'queued'], 'a compensation');
      add('TransferCompensated', { actions: command.actions });
      break;
    case 'Reprioritize':
      expect(state, ['queued', 'paused', 'failed'], 'a new lane or priority');
      if (command.lane === state.lane && command.priority === state.priority) return [];
      add('TransferReprioritized', {
        lane: command.lane,
        priority: command.priority,
        previousLane: state.lane,
        previousPriority: state.priority,
      });
      break;
    case 'Pause':
      expect(state, ['queued', 'running'], 'pausing');
      add('TransferPaused', { bytesDone: command.bytesDone, ...(command.reason ? { reason: command.reason } : {}) });
      break;
    case 'Resume':
      expect(state, ['paused'], 'resuming');
      add('TransferResumed');
      break;
    case 'Cancel':
      expect(state, ['queued', 'running', 'paused', 'failed'], 'cancelling');
      add('TransferCancelled', command.reason ? { reason: command.reason } : {});
      break;
    case 'Retry':
      expect(state, ['failed'], 'a retry');
      add('TransferRetried', command.reason ? { reason: command.reason } : {});
      break;
    default: {
      const unhandled: never = command;
      throw new StateError(`unknown transfer command ${JSON.stringify(unhandled)}`);
    }
  }
  return events;
}
