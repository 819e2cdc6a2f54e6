import type { StoredEvent } from '../../../events/envelope';

export type Lane = 'urgent' | 'normal';
export type TransferStatus = 'none' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

/** A transfer as its saga sees it, folded from its `transfer-<id>` stream. */
export interface TransferState {
  status: TransferStatus;
  version: number;
  transferId: string;
  assetId: string;
  sourceNetwork: string;
  targetNetwork: string;
  lane: Lane;
  priority: number;
  sizeBytes: number;
  sha256: string;
  force: boolean;
  attempts: number;
  correlationId: string;
  lastEventId: string;
  /** occurredAt of the first TransferStarted: durations count from here. */
  firstStartedAt?: string;
  /** Saga facts of the current attempt chain; a compensation clears what it undid. */
  reserved?: { bytes: number; tempPath: string };
  verified?: { sha256: string; bytes: number };
  /** Where the file was published, and when (the replica's time). */
  committed?: { path: string; at: string };
  /** Bytes known done when the transfer was last paused. */
  bytesDone: number;
  lastError?: { reason: string; step: string; retryable: boolean };
  /** Effects of a failed or cancelled attempt were undone (or there were none). */
  compensated: boolean;
}

export const initialTransferState = (): TransferState => ({
  status: 'none',
  version: 0,
  transferId: '',
  assetId: '',
  sourceNetwork: '',
  targetNetwork: '',
  lane: 'normal',
  priority: 5,
  sizeBytes: 0,
  sha256: '',
  force: false,
  attempts: 0,
  correlationId: '',
  lastEventId: '',
  bytesDone: 0,
  compensated: true,
});

type Data = Record<string, unknown>;

/** Folds one event into the state. Pure. */
export function evolve(state: TransferState, event: StoredEvent): TransferState {
  const d = event.data as Data;
  const s: TransferState = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'TransferRequested':
      return {
        ...s,
        status: 'queued',
        transferId: String(d.transferId),
        assetId: String(d.assetId),
        sourceNetwork: String(d.sourceNetwork),
        targetNetwork: String(d.targetNetwork),
        lane: d.lane as Lane,
        priority: Number(d.priority),
        sizeBytes: Number(d.sizeBytes),
        sha256: String(d.sha256),
        force: d.force === true,
        correlationId: event.metadata.correlationId,
      };
    case 'TransferReprioritized':
      return { ...s, lane: d.lane as Lane, priority: Number(d.priority) };
    case 'TransferStarted':
      return {
        ...s,
        status: 'running',
        attempts: Number(d.attempt),
        firstStartedAt: state.firstStartedAt ?? event.metadata.occurredAt,
        compensated: false,
      };
    case 'TransferReserved':
      return { ...s, reserved: { bytes: Number(d.bytes), tempPath: String(d.tempPath) } };
    case 'TransferVerified':
      return { ...s, verified: { sha256: String(d.sha256), bytes: Number(d.bytes) } };
    case 'TransferCommitted':
      return { ...s, committed: { path: String(d.path), at: event.metadata.occurredAt } };
    case 'TransferCompleted':
      return { ...s, status: 'succeeded' };
    case 'TransferPaused':
      return { ...s, status: 'paused', bytesDone: Number(d.bytesDone) };
    case 'TransferResumed':
    case 'TransferRetried':
      return { ...s, status: 'queued', lastError: undefined };
    case 'TransferFailed': {
      const lastError = { reason: String(d.reason), step: String(d.step), retryable: d.retryable === true };
      return { ...s, status: lastError.retryable ? 'queued' : 'failed', lastError };
    }
    case 'TransferCancelled':
      return { ...s, status: 'cancelled' };
    case 'TransferCompensated':
      // Undone: the partial copy and the reservation. A committed file is a delivery and stays.
      return { ...s, reserved: undefined, verified: undefined, compensated: true };
    default:
      return s;
  }
}

export const foldTransfer = (events: StoredEvent[]): TransferState => events.reduce(evolve, initialTransferState());

export type SagaAction = 'start' | 'reserve' | 'copy' | 'commit' | 'register' | 'compensate' | 'none';

/**
 * What the saga does next for this transfer. Pure. A queued transfer is
 * started (claimed by one worker with an expected version); a running one
 * resumes from its last recorded step; a failed or cancelled one with
 * effects not yet undone is compensated.
 */
export function nextAction(s: TransferState, mine: boolean): SagaAction {
  if (s.status === 'failed' || s.status === 'cancelled') {
    return !s.compensated && !s.committed ? 'compensate' : 'none';
  }
  if (s.status === 'queued') return 'start';
  // Running but started by someone else (a dead process): take it over by starting again.
  if (s.status === 'running' && !mine) return 'start';
  if (s.status !== 'running') return 'none';
  if (s.committed) return 'register';
  if (!s.reserved) return 'reserve';
  if (!s.verified) return 'copy';
  return 'commit';
}

export const isTerminal = (s: TransferState) =>
  s.status === 'succeeded' || ((s.status === 'failed' || s.status === 'cancelled') && (s.compensated || !!s.committed));
