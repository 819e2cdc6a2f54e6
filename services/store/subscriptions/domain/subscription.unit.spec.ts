import type { AssetEvent } from '../../../../events/catalog/asset-events';
import type { SubscriptionEvent } from '../../../../events/catalog/subscription-events';
import { StateError, ValidationError } from '../../../../lib/errors';
import { deciderSpec } from '../../../../test/support/decider-spec';
import { assetMatchDecider, type MatchEvent } from './asset-match';
import { subscriptionDecider } from './subscription';

const NETWORKS = ['broadcast', 'news', 'archive'];
const created: SubscriptionEvent = {
  type: 'SubscriptionCreated',
  data: { subscriptionId: 's1', network: 'broadcast', from: ['news'], match: { nameGlob: '*.wav' }, enabled: true },
};

describe('subscription decide', () => {
  const { given } = deciderSpec(subscriptionDecider, { streamId: 'subscription-s1' });

  test('create: the rule as given, its absent parts left out', () => {
    given([])
      .when({
        type: 'Create',
        subscriptionId: 's1',
        rule: { network: 'broadcast', from: ['news'], match: { nameGlob: '*.wav' } },
        enabled: true,
        networks: NETWORKS,
      })
      .then([created]);
  });

  test('create with a malformed glob is refused naming match.nameGlob; asking again changes nothing', () => {
    const bad = { network: 'broadcast', match: { nameGlob: '*.[wav' } };
    given([])
      .when({ type: 'Create', subscriptionId: 's1', rule: bad, enabled: true, networks: NETWORKS })
      .thenThrows(ValidationError, /match.nameGlob/);
    given([created])
      .when({ type: 'Create', subscriptionId: 's1', rule: created.data, enabled: true, networks: NETWORKS })
      .then([]);
  });

  test('change: the whole rule after the change; null takes a part away; enabled toggles', () => {
    given([created])
      .when({ type: 'Change', patch: { from: null, lane: 'urgent', enabled: false }, networks: NETWORKS })
      .then([
        {
          type: 'SubscriptionChanged',
          data: { subscriptionId: 's1', network: 'broadcast', match: { nameGlob: '*.wav' }, lane: 'urgent' },
        },
        { type: 'SubscriptionDisabled', data: { subscriptionId: 's1' } },
      ]);
    given([created])
      .when({ type: 'Change', patch: { enabled: true, from: ['news'] }, networks: NETWORKS })
      .then([]);
  });

  test('a changed rule is checked; a removed subscription cannot change; removing twice records once', () => {
    given([created])
      .when({ type: 'Change', patch: { network: 'mars' }, networks: NETWORKS })
      .thenThrows(ValidationError, /network/);
    const removed: SubscriptionEvent = { type: 'SubscriptionRemoved', data: { subscriptionId: 's1' } };
    given([created]).when({ type: 'Remove' }).then([removed]);
    given([created, removed]).when({ type: 'Remove' }).then([]);
    given([created, removed])
      .when({ type: 'Change', patch: { enabled: true }, networks: NETWORKS })
      .thenThrows(StateError, /removed/);
  });
});

describe('recording a match on the asset stream', () => {
  const { given } = deciderSpec(assetMatchDecider, { streamId: 'asset-a1' });
  const cleared: AssetEvent[] = [
    {
      type: 'AssetDetected',
      data: { assetId: 'a1', sourceNetwork: 'news', targets: ['archive'], originalName: 'a.wav', sizeBytes: 3 },
    },
    { type: 'AssetIngested', data: { assetId: 'a1', stagedPath: '/s/a.wav', sizeBytes: 3, sha256: 'a'.repeat(64) } },
    { type: 'AssetCleared', data: { assetId: 'a1', targets: ['archive'] } },
  ];
  const matched: MatchEvent = {
    type: 'SubscriptionMatched',
    data: { subscriptionId: 's1', assetId: 'a1', network: 'broadcast', priority: 2 },
  };
  const command = { type: 'RecordMatch' as const, subscriptionId: 's1', rule: { network: 'broadcast', priority: 2 } };

  test('a cleared asset: SubscriptionMatched with the rule’s network, lane and priority', () => {
    given(cleared).when(command).then([matched]);
  });

  test('once per subscription: a second match of the same subscription records nothing', () => {
    given([...cleared, matched])
      .when(command)
      .then([]);
    given([...cleared, matched])
      .when({ ...command, subscriptionId: 's2', backfill: true })
      .then([{ type: 'SubscriptionMatched', data: { ...matched.data, subscriptionId: 's2', backfill: true } }]);
  });

  test('an asset not cleared is refused', () => {
    given(cleared.slice(0, 2))
      .when(command)
      .thenThrows(StateError, /ingested/);
  });
});
