import type { AssetEvent, TargetOutcome } from '../../events/catalog/asset-events';
import { deciderSpec, type GivenEvent } from '../../test/support/decider-spec';
import { goingTargets, nextStage, type Stage } from './asset';
import { assetDecider, type ScreeningCommand } from './decide';

/*
 * Threat is not format (issue 14 item 1): a sound file one target's policy
 * refuses is refused for that target only, decided with the clearing; the
 * asset is cleared for the others and never quarantined for it.
 */

const spec = deciderSpec(assetDecider, {
  streamId: 'asset-a1',
  metadata: { correlationId: 'a1', causationId: 'a1', actor: 'connector:news' },
  context: { actor: 'service:screening' },
});
const { given } = spec;

const detected = (targets: string[]): AssetEvent[] => [
  {
    type: 'AssetDetected',
    data: { assetId: 'a1', sourceNetwork: 'news', targets, originalName: 'clip.mp4', sizeBytes: 10 },
  },
  {
    type: 'AssetIngested',
    data: { assetId: 'a1', stagedPath: '/n/.mxhub/staging/a1/clip.mp4', sizeBytes: 10, sha256: 'f'.repeat(64) },
  },
];

const screened = (stages: Stage[]): Array<GivenEvent<AssetEvent>> =>
  stages.map((stage) => ({ type: 'AssetScreened' as const, data: { assetId: 'a1', stage, passed: true } }));

const upToAnalysis = (targets: string[]) => [
  ...detected(targets),
  ...screened(['whitelist', 'intrusion', 'antivirus']),
];

const pcmOnly = { rule: 'policy.audioCodec', reason: "target 'broadcast': audioCodec is aac; accepted: pcm" };
const refused: TargetOutcome = { outcome: 'refused', ...pcmOnly };
const accepted: TargetOutcome = { outcome: 'accepted' };

const analysed = (targetOutcomes: Record<string, TargetOutcome>): ScreeningCommand => ({
  type: 'RecordVerdict',
  stage: 'analysis',
  verdict: { passed: true, technical: { container: 'mp4', audioCodec: 'aac' }, targetOutcomes },
});

const origin: AssetEvent = {
  type: 'ReplicaStored',
  data: {
    assetId: 'a1',
    network: 'news',
    path: '/n/.mxhub/staging/a1/clip.mp4',
    sha256: 'f'.repeat(64),
    kind: 'origin',
    sizeBytes: 10,
  },
};

describe('a policy refusal is per target, decided with the clearing', () => {
  test('given an H.264/AAC file for broadcast (PCM only) and archive, analysis passes: refused for broadcast, cleared for archive', () => {
    const outcomes = { broadcast: refused, archive: accepted };
    const decided = given(upToAnalysis(['broadcast', 'archive'])).when(analysed(outcomes));
    decided.then([
      {
        type: 'AssetScreened',
        data: {
          assetId: 'a1',
          stage: 'analysis',
          passed: true,
          technical: { container: 'mp4', audioCodec: 'aac' },
          targetOutcomes: outcomes,
        },
      },
      { type: 'AssetRefused', data: { assetId: 'a1', target: 'broadcast', ...pcmOnly } },
      { type: 'AssetCleared', data: { assetId: 'a1', targets: ['archive'] } },
      origin,
    ]);
    expect(decided.state).toMatchObject({ status: 'cleared', refused: { broadcast: pcmOnly }, renditions: {} });
    expect(decided.state.quarantine).toBeUndefined();
    expect(goingTargets(decided.state)).toEqual(['archive']);
  });

  test('a policy naming a transcode profile keeps the target going, with its rendition in the state', () => {
    const transcode: TargetOutcome = { outcome: 'transcode', profile: 'xdcam-hd422-mxf', ...pcmOnly };
    const decided = given(upToAnalysis(['broadcast', 'archive'])).when(
      analysed({ broadcast: transcode, archive: accepted }),
    );
    expect(decided.events.map((e) => e.type)).toEqual(['AssetScreened', 'AssetCleared', 'ReplicaStored']);
    expect(decided.events[1]!.data).toEqual({ assetId: 'a1', targets: ['broadcast', 'archive'] });
    expect(decided.state).toMatchObject({ refused: {}, renditions: { broadcast: 'xdcam-hd422-mxf' } });
  });

  test('an asset every target refused is still cleared, for no target: it stays on its origin like a pool asset', () => {
    const decided = given(upToAnalysis(['broadcast'])).when(analysed({ broadcast: refused }));
    expect(decided.events.map((e) => e.type)).toEqual([
      'AssetScreened',
      'AssetRefused',
      'AssetCleared',
      'ReplicaStored',
    ]);
    expect(decided.events[2]!.data).toEqual({ assetId: 'a1', targets: [] });
    expect(decided.state.status).toBe('cleared');
  });

  test('with a sidecar, the refusal waits for the clearing after the sidecar stage', () => {
    const { state, when } = given([
      ...upToAnalysis(['broadcast', 'archive']),
      { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't' } } },
    ]);
    const afterAnalysis = when(analysed({ broadcast: refused, archive: accepted }));
    expect(afterAnalysis.events.map((e) => e.type)).toEqual(['AssetScreened']);
    expect(nextStage(afterAnalysis.state)).toBe('sidecar');
    expect(state.refused).toEqual({});
    const cleared = given(afterAnalysis.history).when({
      type: 'RecordVerdict',
      stage: 'sidecar',
      verdict: { passed: true },
    });
    expect(cleared.events.map((e) => e.type)).toEqual([
      'AssetScreened',
      'AssetRefused',
      'AssetCleared',
      'ReplicaStored',
    ]);
    expect(cleared.events[2]!.data).toEqual({ assetId: 'a1', targets: ['archive'] });
  });

  test('an override after a sidecar quarantine keeps the policy refusal found by analysis', () => {
    const analysedFirst = given([
      ...upToAnalysis(['broadcast', 'archive']),
      { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't' } } },
    ]).when(analysed({ broadcast: refused, archive: accepted })).history;
    const quarantined = given(analysedFirst).when({
      type: 'RecordVerdict',
      stage: 'sidecar',
      verdict: { passed: false, rule: 'sidecar.checksum-mismatch', reason: 'checksum differs' },
      quarantinePath: '/q',
    }).history;
    const released = given(quarantined).when({ type: 'ReleaseAsset', mode: 'override', reason: 'known good' });
    expect(released.events.map((e) => e.type)).toEqual([
      'AssetReleased',
      'AssetRefused',
      'AssetCleared',
      'ReplicaStored',
    ]);
    expect(released.state).toMatchObject({ status: 'cleared', refused: { broadcast: pcmOnly } });
  });

  test('a rescreen forgets the outcomes of the round before', () => {
    const analysedFirst = given([
      ...upToAnalysis(['broadcast']),
      { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't' } } },
    ]).when(analysed({ broadcast: { outcome: 'transcode', profile: 'xdcam-hd422-mxf', ...pcmOnly } })).history;
    const quarantined = given(analysedFirst).when({
      type: 'RecordVerdict',
      stage: 'sidecar',
      verdict: { passed: false, rule: 'sidecar.checksum-mismatch', reason: 'checksum differs' },
      quarantinePath: '/q',
    }).history;
    const released = given(quarantined).when({ type: 'ReleaseAsset', mode: 'rescreen', reason: 'again' });
    expect(released.state).toMatchObject({ targetOutcomes: {}, renditions: {}, refused: {} });
  });

  test('a pool asset has no target and no policy outcome: it is cleared for no target, refused nowhere', () => {
    const decided = given(upToAnalysis([])).when({
      type: 'RecordVerdict',
      stage: 'analysis',
      verdict: { passed: true, technical: { container: 'mp4' } },
    });
    expect(decided.events.map((e) => e.type)).toEqual(['AssetScreened', 'AssetCleared', 'ReplicaStored']);
    expect(decided.events[0]!.data).not.toHaveProperty('targetOutcomes');
    expect(decided.events[1]!.data).toEqual({ assetId: 'a1', targets: [] });
  });
});
