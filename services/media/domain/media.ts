import { evolve as evolveAsset, initialAssetState, type AssetState } from '../../../domain/asset/asset';
import { isAssetEvent, type AssetEvent } from '../../../events/catalog/asset-events';
import type { DataOf } from '../../../events/catalog/define';
import { mediaEvents, type MediaEvent, type ProxyCreated, type ProxyKind } from '../../../events/catalog/media-events';
import type { ReplicaEvent } from '../../../events/catalog/replica-events';
import { eventGuard, type Stored } from '../../../events/catalog/stored';
import type { Decider } from '../../../events/decider';
import type { StoredEvent } from '../../../events/envelope';
import { StateError } from '../../../lib/errors';

type Lost = Extract<ReplicaEvent, { type: 'ReplicaMissing' | 'ReplicaCorrupt' | 'ReplicaEvicted' | 'ReplicaTaken' }>;
type MediaStreamEvent = AssetEvent | MediaEvent | Lost;

/** One rendition as made (or not): what ProxyCreated or ProxyFailed said. */
export type RenditionResult =
  | (Omit<DataOf<typeof ProxyCreated>, 'assetId'> & { outcome: 'created' })
  | { outcome: 'failed'; kind: ProxyKind; reason: string };

/** The asset as screening folds it, where its bytes are, and what the media service owes it. */
export interface MediaAssetState extends AssetState {
  /** Readable copies, best first: the origin (its staged file), then the others stored since and not lost. */
  sources: string[];
  /** Stream version of the last request (a clearance or a ProxyRequested); 0 when none. */
  requestedAt: number;
  /** Stream version of the last results appended; below `requestedAt` while a request is unanswered. */
  answeredAt: number;
  results: Partial<Record<ProxyKind, RenditionResult>>;
}

export type MediaCommand =
  | { type: 'RequestProxies' }
  /** The results of the request made at stream version `forRequest`. */
  | { type: 'RecordRenditions'; forRequest: number; results: RenditionResult[] };

const isMediaEvent = eventGuard(mediaEvents);
const LOST = new Set(['ReplicaMissing', 'ReplicaCorrupt', 'ReplicaEvicted', 'ReplicaTaken']);
const isLost = (e: StoredEvent): e is Stored<Lost> => LOST.has(e.type);
const isMediaStreamEvent = (e: StoredEvent): e is Stored<MediaStreamEvent> =>
  isAssetEvent(e) || isMediaEvent(e) || isLost(e);

/** True while a request is waiting for its results. */
export const isOwed = (s: MediaAssetState): boolean => s.status === 'cleared' && s.requestedAt > s.answeredAt;

function evolve(state: MediaAssetState, event: Stored<MediaStreamEvent>): MediaAssetState {
  const next = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'ProxyRequested':
      return { ...next, requestedAt: event.version };
    case 'ProxyCreated': {
      const { assetId: _, ...made } = event.data;
      return {
        ...next,
        answeredAt: event.version,
        results: { ...state.results, [made.kind]: { ...made, outcome: 'created' } },
      };
    }
    case 'ProxyFailed': {
      const { kind, reason } = event.data;
      return {
        ...next,
        answeredAt: event.version,
        results: { ...state.results, [kind]: { outcome: 'failed', kind, reason } },
      };
    }
    case 'ReplicaMissing':
    case 'ReplicaCorrupt':
    case 'ReplicaEvicted':
    case 'ReplicaTaken':
      return { ...next, sources: state.sources.filter((p) => p !== event.data.path) };
    default: {
      const asset: MediaAssetState = { ...state, ...evolveAsset(state, event) };
      if (event.type === 'AssetCleared') return { ...asset, requestedAt: event.version };
      if (event.type === 'AssetIngested') return { ...asset, sources: [event.data.stagedPath] };
      if (event.type === 'ReplicaStored' && !state.sources.includes(event.data.path))
        return { ...asset, sources: [...state.sources, event.data.path] };
      return asset;
    }
  }
}

/**
 * What the media service says on an asset's stream. A request needs a
 * cleared asset (only cleared media is browsed); results are recorded for
 * the request they answer, once: a redelivered job whose request was
 * answered since (by another process, say) records nothing. Pure.
 */
function decide(command: MediaCommand, state: MediaAssetState): MediaEvent[] {
  if (state.status !== 'cleared') {
    throw new StateError(
      `asset ${state.assetId || '(unknown)'} is ${state.status}: only a cleared asset has browse renditions`,
      {
        assetId: state.assetId,
      },
    );
  }
  switch (command.type) {
    case 'RequestProxies':
      return isOwed(state) ? [] : [{ type: 'ProxyRequested', data: { assetId: state.assetId } }];
    case 'RecordRenditions':
      if (state.answeredAt > command.forRequest) return [];
      return command.results.map((r): MediaEvent => {
        if (r.outcome === 'failed')
          return { type: 'ProxyFailed', data: { assetId: state.assetId, kind: r.kind, reason: r.reason } };
        const { outcome: _, ...made } = r;
        return { type: 'ProxyCreated', data: { assetId: state.assetId, ...made } };
      });
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

export const mediaDecider: Decider<MediaAssetState, MediaCommand, MediaStreamEvent> = {
  initialState: () => ({ ...initialAssetState(), sources: [], requestedAt: 0, answeredAt: 0, results: {} }),
  evolve,
  decide,
  isEvent: isMediaStreamEvent,
};
