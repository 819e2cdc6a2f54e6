import type { AssetEvent } from '../../events/catalog/asset-events';
import { StateError } from '../../lib/errors';
import { deciderSpec, type GivenEvent } from '../../test/support/decider-spec';
import { foldAsset, nextStage, type AssetState, type Stage } from './asset';
import { assetDecider, decide, type ScreeningCommand } from './decide';

const spec = deciderSpec(assetDecider, {
  streamId: 'asset-a1',
  metadata: { correlationId: 'a1', causationId: 'a1', actor: 'connector:news' },
  context: { actor: 'service:screening' },
});
const { given } = spec;

const opening: AssetEvent[] = [
  {
    type: 'AssetDetected',
    data: { assetId: 'a1', sourceNetwork: 'news', targets: ['broadcast'], originalName: 'clip.mxf', sizeBytes: 10 },
  },
  {
    type: 'AssetIngested',
    data: { assetId: 'a1', stagedPath: '/n/.mxhub/staging/a1/clip.mxf', sizeBytes: 10, sha256: 'f'.repeat(64) },
  },
];

const pass = (stage: Stage): ScreeningCommand => ({ type: 'RecordVerdict', stage, verdict: { passed: true } });

const byScreening = { metadata: { actor: 'service:screening' } };

function screenedThrough(stages: Stage[]): Array<GivenEvent<AssetEvent>> {
  return [
    ...opening,
    ...stages.map((stage) => ({
      type: 'AssetScreened' as const,
      data: { assetId: 'a1', stage, passed: true },
      ...byScreening,
    })),
  ];
}

describe('screening decide', () => {
  test('given an ingested asset, the first stage is the whitelist and a pass moves on to intrusion', () => {
    const { state, when } = given(opening);
    expect(nextStage(state)).toBe('whitelist');
    const whitelisted = when(pass('whitelist'));
    whitelisted.then([{ type: 'AssetScreened', data: { assetId: 'a1', stage: 'whitelist', passed: true } }]);
    expect(nextStage(whitelisted.state)).toBe('intrusion');
  });

  test('given every stage but analysis passed, passing analysis clears the asset for its targets and records its origin replica', () => {
    const analysed = given(screenedThrough(['whitelist', 'intrusion', 'antivirus'])).when(pass('analysis'));
    analysed.then([
      { type: 'AssetScreened', data: { assetId: 'a1', stage: 'analysis', passed: true } },
      { type: 'AssetCleared', data: { assetId: 'a1', targets: ['broadcast'] } },
      {
        type: 'ReplicaStored',
        data: {
          assetId: 'a1',
          network: 'news',
          path: '/n/.mxhub/staging/a1/clip.mxf',
          sha256: 'f'.repeat(64),
          kind: 'origin',
          sizeBytes: 10,
        },
      },
    ]);
    expect(analysed.state.status).toBe('cleared');
  });

  test('an asset with a sidecar has the agreement stage last', () => {
    const { state, when } = given([
      ...screenedThrough(['whitelist', 'intrusion', 'antivirus', 'analysis']),
      { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't', priority: 10 } } },
    ]);
    expect(nextStage(state)).toBe('sidecar');
    expect(state.sidecarPriority).toBe(10);
    expect(when(pass('sidecar')).events.map((e) => e.type)).toEqual(['AssetScreened', 'AssetCleared', 'ReplicaStored']);
  });

  test('a refusal quarantines with stage, rule, reason and path, chained by causation and kept in the journey', () => {
    const { state, when } = given(screenedThrough(['whitelist', 'intrusion']));
    const refused = when({
      type: 'RecordVerdict',
      stage: 'antivirus',
      verdict: { passed: false, rule: 'antivirus.infected', reason: 'clamav found Eicar' },
      quarantinePath: '/n/.mxhub/quarantine/a1/clip.mxf',
    });
    refused.then([
      {
        type: 'AssetScreened',
        data: {
          assetId: 'a1',
          stage: 'antivirus',
          passed: false,
          rule: 'antivirus.infected',
          reason: 'clamav found Eicar',
        },
      },
      {
        type: 'AssetQuarantined',
        data: {
          assetId: 'a1',
          stage: 'antivirus',
          rule: 'antivirus.infected',
          reason: 'clamav found Eicar',
          quarantinePath: '/n/.mxhub/quarantine/a1/clip.mxf',
        },
      },
    ]);
    const stamped = refused.stamped;
    expect(stamped[0]!.metadata).toMatchObject({ correlationId: 'a1', causationId: state.lastEventId });
    expect(stamped[1]!.metadata.causationId).toBe(stamped[0]!.id);
    expect(refused.state.status).toBe('quarantined');
    expect(refused.state.quarantine).toEqual({
      stage: 'antivirus',
      rule: 'antivirus.infected',
      reason: 'clamav found Eicar',
      path: '/n/.mxhub/quarantine/a1/clip.mxf',
    });
  });

  test('a verdict for a stage that is not next is refused (a second worker cannot record it twice)', () => {
    const { when } = given(screenedThrough(['whitelist']));
    when(pass('whitelist')).thenThrows(StateError);
    when(pass('antivirus')).thenThrows(StateError, /not expected now/);
  });

  test('deferral is recorded once per outage, not once per retry', () => {
    const events = screenedThrough(['whitelist', 'intrusion']);
    const defer = { type: 'DeferStage', stage: 'antivirus', reason: 'clamav: ECONNREFUSED', retryInMs: 500 } as const;
    const first = given(events).when(defer);
    first.then([
      {
        type: 'ScreeningDeferred',
        data: { assetId: 'a1', stage: 'antivirus', reason: 'clamav: ECONNREFUSED', retryInMs: 500 },
      },
    ]);
    expect(first.state.deferred).toEqual({ stage: 'antivirus', reason: 'clamav: ECONNREFUSED' });
    expect(nextStage(first.state)).toBe('antivirus');
    given(first.history).when(defer).then([]);
  });

  describe('a unit whose sidecar the connector refused (issue 9)', () => {
    const refusedSidecar: AssetEvent[] = [
      ...opening,
      {
        type: 'AssetScreened',
        data: { assetId: 'a1', stage: 'sidecar', passed: false, rule: 'sidecar.doctype', reason: 'has a DOCTYPE' },
      },
      {
        type: 'AssetQuarantined',
        data: {
          assetId: 'a1',
          stage: 'sidecar',
          rule: 'sidecar.doctype',
          reason: 'has a DOCTYPE',
          quarantinePath: '/q',
        },
      },
    ];
    const rescreened = () => {
      let events = given(refusedSidecar).when({
        type: 'ReleaseAsset',
        mode: 'rescreen',
        reason: 'rules updated',
      }).history;
      for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const) {
        events = given(events).when(pass(stage)).history;
      }
      return events;
    };

    test('the fold remembers the sidecar file, so a rescreen ends with the sidecar stage, not a clearance', () => {
      const { state } = given(refusedSidecar);
      expect(state.sidecar).toBeUndefined();
      expect(state.sidecarFile).toBe('clip.xml');
      const events = rescreened();
      expect(events.map((e) => e.type)).not.toContain('AssetCleared');
      const after = foldAsset(events);
      expect(after).toMatchObject({ status: 'screening', rescreen: true, sidecarFile: 'clip.xml' });
      expect(nextStage(after)).toBe('sidecar');
    });

    test('the sidecar stage refusing again quarantines under the parser rule', () => {
      const refused = given(rescreened()).when({
        type: 'RecordVerdict',
        stage: 'sidecar',
        verdict: { passed: false, rule: 'sidecar.doctype', reason: 'has a DOCTYPE' },
        quarantinePath: '/q',
      });
      expect(refused.events.map((e) => e.type)).toEqual(['AssetScreened', 'AssetQuarantined']);
      expect(refused.state.quarantine).toMatchObject({ stage: 'sidecar', rule: 'sidecar.doctype' });
    });

    test('a sidecar the rescreen parses is recorded before the asset clears, so delivery carries it', () => {
      const parsed = given(rescreened()).when({
        type: 'RecordVerdict',
        stage: 'sidecar',
        verdict: { passed: true, sidecar: { title: 't', materialId: 'M-1', priority: 9 } },
      });
      parsed.then([
        { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't', materialId: 'M-1', priority: 9 } } },
        { type: 'AssetScreened', data: { assetId: 'a1', stage: 'sidecar', passed: true } },
        { type: 'AssetCleared', data: { assetId: 'a1', targets: ['broadcast'] } },
        {
          type: 'ReplicaStored',
          data: {
            assetId: 'a1',
            network: 'news',
            path: '/n/.mxhub/staging/a1/clip.mxf',
            sha256: 'f'.repeat(64),
            kind: 'origin',
            sizeBytes: 10,
          },
        },
      ]);
      expect(parsed.state).toMatchObject({ status: 'cleared', sidecarPriority: 9 });
    });

    test('a sidecar already on record is not recorded again by a rescreen', () => {
      const parsed = given([
        ...opening,
        { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't' } } },
        ...(['whitelist', 'intrusion', 'antivirus', 'analysis'] as const).map((stage) => ({
          type: 'AssetScreened' as const,
          data: { assetId: 'a1', stage, passed: true },
        })),
      ]);
      expect(parsed.state.sidecarFile).toBe('clip.xml');
      const screened = parsed.when({
        type: 'RecordVerdict',
        stage: 'sidecar',
        verdict: { passed: true, sidecar: { title: 't' } },
      });
      expect(screened.events.map((e) => e.type)).toEqual(['AssetScreened', 'AssetCleared', 'ReplicaStored']);
    });
  });

  describe('admin commands', () => {
    const quarantined: AssetEvent[] = [
      ...opening,
      { type: 'AssetScreened', data: { assetId: 'a1', stage: 'whitelist', passed: true } },
      {
        type: 'AssetScreened',
        data: { assetId: 'a1', stage: 'intrusion', passed: false, rule: 'name.bidi-override', reason: 'r' },
      },
      {
        type: 'AssetQuarantined',
        data: { assetId: 'a1', stage: 'intrusion', rule: 'name.bidi-override', reason: 'r', quarantinePath: '/q' },
      },
    ];

    test('release for a rescreen starts over from the whitelist', () => {
      const released = given(quarantined).when({ type: 'ReleaseAsset', mode: 'rescreen', reason: 'rule fixed' });
      released.then([{ type: 'AssetReleased', data: { assetId: 'a1', mode: 'rescreen', reason: 'rule fixed' } }]);
      expect(released.state.status).toBe('released');
      expect(nextStage(released.state)).toBe('whitelist');
    });

    test('release by override clears at once and says so', () => {
      const released = given(quarantined).when({ type: 'ReleaseAsset', mode: 'override', reason: 'known' });
      expect(released.events.map((e) => e.type)).toEqual(['AssetReleased', 'AssetCleared', 'ReplicaStored']);
      expect(released.events[1]!.data).toMatchObject({ override: true });
      expect(released.state.status).toBe('cleared');
    });

    test('delete needs a quarantined asset', () => {
      given(quarantined)
        .when({ type: 'DeleteAsset', reason: 'malware' })
        .then([{ type: 'AssetDeleted', data: { assetId: 'a1', reason: 'malware' } }]);
      const cleared: AssetState = { ...given(quarantined).state, status: 'cleared' };
      expect(() => decide({ type: 'DeleteAsset', reason: 'x' }, cleared)).toThrow(/not quarantined/);
      expect(() => decide({ type: 'ReleaseAsset', mode: 'override', reason: 'x' }, cleared)).toThrow(StateError);
    });
  });
});
