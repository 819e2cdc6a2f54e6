import type { LANES } from '../../../events/catalog/common';
import type { StoredEvent } from '../../../events/envelope';
import { isTransferEvent, type TransferEvent } from '../../../events/catalog/transfer-events';
import { isRenditionEvent, type RenditionEvent } from '../../../events/catalog/rendition-events';
import type { Stored } from '../../../events/catalog/stored';
import { fold, type StreamState } from '../../../events/decider';
import { evolveRendition, type RenditionState } from './rendition';

export type Lane = (typeof LANES)[number];
export type TransferStatus = 'none' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

/** A transfer as its saga sees it, folded from its `transfer-<id>` stream. */
export interface TransferState extends StreamState {
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
  /** The replica copied from when it is not the asset's origin copy (a fetch from another node). */
  sourcePath?: string;
  /** Where the copy lands on the target node: `inbox` (delivered) or `cache` (fetched, evictable). */
  folder: 'inbox' | 'cache';
  /** A repair: the damaged replica's file, written in place (the copy registers as ReplicaRepaired). */
  restorePath?: string;
  /** A delivery as a rendition in a house profile (its target's policy refused the original). */
  rendition?: RenditionState;
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
  folder: 'inbox',
  attempts: 0,
  correlationId: '',
  lastEventId: '',
  bytesDone: 0,
  compensated: true,
});

/** The events of a transfer's stream: its own and its rendition's. */
export type TransferStreamEvent = TransferEvent | RenditionEvent;

export const isTransferStreamEvent = (e: StoredEvent): e is Stored<TransferStreamEvent> =>
  isTransferEvent(e) || isRenditionEvent(e);

/** Folds one of the transfer's events into the state. Pure. */
export function evolve(state: TransferState, event: Stored<TransferStreamEvent>): TransferState {
  const s: TransferState = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'TransferRequested': {
      const d = event.data;
      return {
        ...s,
        status: 'queued',
        transferId: d.transferId,
        assetId: d.assetId,
        sourceNetwork: d.sourceNetwork,
        targetNetwork: d.targetNetwork,
        lane: d.lane,
        priority: d.priority,
        sizeBytes: d.sizeBytes,
        sha256: d.sha256,
        force: d.force === true,
        ...(d.sourcePath ? { sourcePath: d.sourcePath } : {}),
        folder: d.folder ?? 'inbox',
        ...(d.restorePath ? { restorePath: d.restorePath } : {}),
        ...(d.rendition ? { rendition: { profile: d.rendition.profile } } : {}),
        correlationId: event.metadata.correlationId,
      };
    }
    case 'TransferReprioritized':
      return { ...s, lane: event.data.lane, priority: event.data.priority };
    case 'TransferStarted':
      return {
        ...s,
        status: 'running',
        attempts: event.data.attempt,
        firstStartedAt: state.firstStartedAt ?? event.metadata.occurredAt,
        compensated: false,
      };
    case 'TransferReserved':
      return { ...s, reserved: { bytes: event.data.bytes, tempPath: event.data.tempPath } };
    case 'TransferVerified':
      return { ...s, verified: { sha256: event.data.sha256, bytes: event.data.bytes } };
    case 'TransferCommitted':
      return { ...s, committed: { path: event.data.path, at: event.metadata.occurredAt } };
    case 'TransferCompleted':
      return { ...s, status: 'succeeded' };
    case 'TransferPaused':
      return { ...s, status: 'paused', bytesDone: event.data.bytesDone };
    case 'TransferResumed':
    case 'TransferRetried':
      return { ...s, status: 'queued', lastError: undefined };
    case 'TransferFailed': {
      const { reason, step, retryable } = event.data;
      return { ...s, status: retryable ? 'queued' : 'failed', lastError: { reason, step, retryable } };
    }
    case 'TransferCancelled':
      return { ...s, status: 'cancelled' };
    case 'TransferCompensated':
      // Undone: the partial copy, the reservation and the rendition. A committed file is a delivery and stays.
      return {
        ...s,
        reserved: undefined,
        verified: undefined,
        ...(s.rendition ? { rendition: { profile: s.rendition.profile } } : {}),
        compensated: true,
      };
    case 'RenditionStarted':
    case 'RenditionCreated':
    case 'RenditionFailed':
      return { ...s, rendition: evolveRendition(s.rendition, event) };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export const foldTransfer = (events: readonly StoredEvent[]): TransferState =>
  fold({ initialState: initialTransferState, evolve, isEvent: isTransferStreamEvent }, events);

export type SagaAction = 'start' | 'render' | 'reserve' | 'copy' | 'commit' | 'register' | 'compensate' | 'none';

/**
 * What the saga does next for this transfer. Pure. A queued transfer is
 * started (claimed by one worker with an expected version); a running one
 * resumes from its last recorded step; a failed or cancelled one with
 * effects not yet undone is compensated. A delivery as a rendition renders
 * before it reserves: the reservation and the copy are the rendition's.
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
  // Until the copy is verified the rendition is needed: one made again (found gone or damaged) is rendered first.
  if (s.rendition && !s.rendition.created && !s.verified) return 'render';
  if (!s.reserved) return 'reserve';
  if (!s.verified) return 'copy';
  return 'commit';
}

// The step a running saga is in once the step before it is recorded, in `nextAction`'s order.
const RUNNING_AFTER: Record<string, string> = {
  requested: 'starting',
  started: 'reserving',
  rendered: 'reserving',
  reserved: 'copying',
  verified: 'committing',
  committed: 'registering',
};

/**
 * The step to show a person. The read model records the last saga step done
 * (`reserved` once space is reserved), which, shown as is, says `reserved`
 * for the whole copy: a running transfer shows the step its saga is in now
 * (`copying` whenever its copy reports progress, else the step after the
 * last recorded); any other shows the last recorded one (`registered`,
 * `compensated`, or the step a failure happened in). Pure.
 */
export function stepShown(state: string, recorded: string | null, copyReporting: boolean): string | null {
  if (state !== 'running') return recorded;
  if (copyReporting) return 'copying';
  return (recorded && RUNNING_AFTER[recorded]) ?? recorded;
}

export const isTerminal = (s: TransferState) =>
  s.status === 'succeeded' || ((s.status === 'failed' || s.status === 'cancelled') && (s.compensated || !!s.committed));
