import { evolve as evolveAsset, initialAssetState, type AssetState } from '../../../../domain/asset/asset';
import { isAssetEvent, type AssetEvent } from '../../../../events/catalog/asset-events';
import type { EventsOf } from '../../../../events/catalog/define';
import { eventGuard, type Stored } from '../../../../events/catalog/stored';
import { matchEvents } from '../../../../events/catalog/subscription-events';
import type { Decider } from '../../../../events/decider';
import type { StoredEvent } from '../../../../events/envelope';
import { StateError } from '../../../../lib/errors';
import type { SubscriptionRule } from './rule';

export type MatchEvent = EventsOf<typeof matchEvents>;
type AssetStreamEvent = AssetEvent | MatchEvent;

/** The asset as screening folds it, and the subscriptions that took it already. */
export interface MatchedAssetState extends AssetState {
  matchedBy: string[];
}

export interface RecordMatch {
  type: 'RecordMatch';
  subscriptionId: string;
  rule: SubscriptionRule;
  backfill?: boolean;
}

const isMatchEvent = eventGuard(matchEvents);
const isAssetStreamEvent = (e: StoredEvent): e is Stored<AssetStreamEvent> => isAssetEvent(e) || isMatchEvent(e);

function evolve(state: MatchedAssetState, event: Stored<AssetStreamEvent>): MatchedAssetState {
  if (event.type === 'SubscriptionMatched') {
    return {
      ...state,
      version: event.version,
      lastEventId: event.id,
      matchedBy: [...state.matchedBy, event.data.subscriptionId],
    };
  }
  return { ...evolveAsset(state, event), matchedBy: state.matchedBy };
}

/**
 * Records that a subscription took a cleared asset, once per subscription and
 * asset (a redelivered AssetCleared, a backfill over an asset the live rule
 * took already, decide nothing). The caller decided that the rule matches;
 * this decider only guards the asset's state. Pure.
 */
function decide(command: RecordMatch, state: MatchedAssetState): MatchEvent[] {
  if (state.matchedBy.includes(command.subscriptionId)) return [];
  if (state.status !== 'cleared') {
    throw new StateError(`asset ${state.assetId} is ${state.status}: only a cleared asset is sent to subscribers`, {
      assetId: state.assetId,
    });
  }
  const { network, lane, priority } = command.rule;
  return [
    {
      type: 'SubscriptionMatched',
      data: {
        subscriptionId: command.subscriptionId,
        assetId: state.assetId,
        network,
        ...(lane !== undefined ? { lane } : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(command.backfill ? { backfill: true } : {}),
      },
    },
  ];
}

export const assetMatchDecider: Decider<MatchedAssetState, RecordMatch, AssetStreamEvent> = {
  initialState: () => ({ ...initialAssetState(), matchedBy: [] }),
  evolve,
  decide,
  isEvent: isAssetStreamEvent,
};
