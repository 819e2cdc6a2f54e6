import type { NewEvent, StoredEvent } from '../../events/envelope';
import { StateError } from '../../lib/errors';
import { foldAsset, nextStage, type AssetState, type Stage } from './asset';
import { decide, type ScreeningCommand } from './decide';

let seq = 0;
const ctx = { actor: 'service:screening', now: '2026-11-22T10:00:00.000Z', newId: () => `id-${++seq}` };

/** Stores `events` as a stream would: versions from 1, positions growing. */
function stream(events: Array<Pick<NewEvent, 'type' | 'data'> & { actor?: string }>): StoredEvent[] {
  return events.map((e, i) => ({
    id: `e${i + 1}`,
    streamId: 'asset-a1',
    version: i + 1,
    position: BigInt(i + 1),
    type: e.type,
    schemaVersion: 1,
    data: e.data,
    metadata: { correlationId: 'a1', causationId: 'a1', actor: e.actor ?? 'connector:news', occurredAt: ctx.now },
    prevHash: '',
    hash: '',
    recordedAt: ctx.now,
  }));
}

const opening = [
  {
    type: 'AssetDetected',
    data: { assetId: 'a1', sourceNetwork: 'news', targets: ['broadcast'], originalName: 'clip.mxf', sizeBytes: 10 },
  },
  {
    type: 'AssetIngested',
    data: { assetId: 'a1', stagedPath: '/n/.mxhub/staging/a1/clip.mxf', sizeBytes: 10, sha256: 'f'.repeat(64) },
  },
];

/** given these events, when the command is decided, then these event types follow, and the state they fold into. */
function given(events: StoredEvent[]) {
  const state = foldAsset(events);
  return {
    state,
    when: (command: ScreeningCommand) => {
      const decided = decide(command, state, ctx);
      const after = foldAsset([
        ...events,
        ...stream(decided).map((e, i) => ({ ...e, version: state.version + i + 1 })),
      ]);
      return { types: decided.map((e) => e.type), decided, after };
    },
  };
}

/** Decided events as the store keeps them after the `length` already stored. */
const restamp = (decided: NewEvent[], length: number): StoredEvent[] =>
  stream(decided).map((e, i) => ({ ...e, version: length + i + 1, position: BigInt(length + i + 1) }));

const pass = (stage: Stage) => ({ type: 'RecordVerdict', stage, verdict: { passed: true } }) as const;

function screenedThrough(stages: string[]): StoredEvent[] {
  return stream([
    ...opening,
    ...stages.map((stage) => ({
      type: 'AssetScreened',
      data: { assetId: 'a1', stage, passed: true },
      actor: 'service:screening',
    })),
  ]);
}

describe('screening decide', () => {
  test('given an ingested asset, the first stage is the whitelist and a pass moves on to intrusion', () => {
    const { state, when } = given(stream(opening));
    expect(nextStage(state)).toBe('whitelist');
    const { types, after } = when(pass('whitelist'));
    expect(types).toEqual(['AssetScreened']);
    expect(nextStage(after)).toBe('intrusion');
  });

  test('given every stage but analysis passed, passing analysis clears the asset for its targets', () => {
    const { types, decided, after } = given(screenedThrough(['whitelist', 'intrusion', 'antivirus'])).when(
      pass('analysis'),
    );
    expect(types).toEqual(['AssetScreened', 'AssetCleared']);
    expect(decided[1]!.data).toEqual({ assetId: 'a1', targets: ['broadcast'] });
    expect(after.status).toBe('cleared');
  });

  test('an asset with a sidecar has the agreement stage last', () => {
    const events = screenedThrough(['whitelist', 'intrusion', 'antivirus', 'analysis']);
    const withSidecar = [
      ...events,
      ...stream([{ type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't', priority: 10 } } }]).map(
        (e) => ({
          ...e,
          version: events.length + 1,
        }),
      ),
    ];
    const { state, when } = given(withSidecar);
    expect(nextStage(state)).toBe('sidecar');
    expect(state.sidecarPriority).toBe(10);
    expect(when(pass('sidecar')).types).toEqual(['AssetScreened', 'AssetCleared']);
  });

  test('a refusal quarantines with stage, rule, reason and path, chained by causation and kept in the journey', () => {
    const { state, when } = given(screenedThrough(['whitelist', 'intrusion']));
    const { types, decided, after } = when({
      type: 'RecordVerdict',
      stage: 'antivirus',
      verdict: { passed: false, rule: 'antivirus.infected', reason: 'clamav found Eicar' },
      quarantinePath: '/n/.mxhub/quarantine/a1/clip.mxf',
    });
    expect(types).toEqual(['AssetScreened', 'AssetQuarantined']);
    expect(decided[0]!.metadata).toMatchObject({ correlationId: 'a1', causationId: state.lastEventId });
    expect(decided[1]!.metadata.causationId).toBe(decided[0]!.id);
    expect(after.status).toBe('quarantined');
    expect(after.quarantine).toEqual({
      stage: 'antivirus',
      rule: 'antivirus.infected',
      reason: 'clamav found Eicar',
      path: '/n/.mxhub/quarantine/a1/clip.mxf',
    });
  });

  test('a verdict for a stage that is not next is refused (a second worker cannot record it twice)', () => {
    const { when } = given(screenedThrough(['whitelist']));
    expect(() => when(pass('whitelist'))).toThrow(StateError);
    expect(() => when(pass('antivirus'))).toThrow(/not expected now/);
  });

  test('deferral is recorded once per outage, not once per retry', () => {
    const events = screenedThrough(['whitelist', 'intrusion']);
    const defer = { type: 'DeferStage', stage: 'antivirus', reason: 'clamav: ECONNREFUSED', retryInMs: 500 } as const;
    const first = given(events).when(defer);
    expect(first.types).toEqual(['ScreeningDeferred']);
    expect(first.after.deferred).toEqual({ stage: 'antivirus', reason: 'clamav: ECONNREFUSED' });
    expect(nextStage(first.after)).toBe('antivirus');
    const stored = [...events, ...stream(first.decided).map((e) => ({ ...e, version: events.length + 1 }))];
    expect(given(stored).when(defer).types).toEqual([]);
  });

  describe('a unit whose sidecar the connector refused (issue 9)', () => {
    const refusedSidecar = stream([
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
    ]);
    const rescreened = () => {
      const released = given(refusedSidecar).when({ type: 'ReleaseAsset', mode: 'rescreen', reason: 'rules updated' });
      let events = [...refusedSidecar, ...restamp(released.decided, refusedSidecar.length)];
      for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const) {
        events = [...events, ...restamp(given(events).when(pass(stage)).decided, events.length)];
      }
      return events;
    };

    test('the fold remembers the sidecar file, so a rescreen ends with the sidecar stage, not a clearance', () => {
      const state = foldAsset(refusedSidecar);
      expect(state.sidecar).toBeUndefined();
      expect(state.sidecarFile).toBe('clip.xml');
      const events = rescreened();
      expect(events.map((e) => e.type)).not.toContain('AssetCleared');
      const after = foldAsset(events);
      expect(after).toMatchObject({ status: 'screening', rescreen: true, sidecarFile: 'clip.xml' });
      expect(nextStage(after)).toBe('sidecar');
    });

    test('the sidecar stage refusing again quarantines under the parser rule', () => {
      const { types, after } = given(rescreened()).when({
        type: 'RecordVerdict',
        stage: 'sidecar',
        verdict: { passed: false, rule: 'sidecar.doctype', reason: 'has a DOCTYPE' },
        quarantinePath: '/q',
      });
      expect(types).toEqual(['AssetScreened', 'AssetQuarantined']);
      expect(after.quarantine).toMatchObject({ stage: 'sidecar', rule: 'sidecar.doctype' });
    });

    test('a sidecar the rescreen parses is recorded before the asset clears, so delivery carries it', () => {
      const { types, decided, after } = given(rescreened()).when({
        type: 'RecordVerdict',
        stage: 'sidecar',
        verdict: { passed: true, sidecar: { title: 't', materialId: 'M-1', priority: 9 } },
      });
      expect(types).toEqual(['SidecarParsed', 'AssetScreened', 'AssetCleared']);
      expect(decided[0]!.data).toEqual({ assetId: 'a1', sidecar: { title: 't', materialId: 'M-1', priority: 9 } });
      expect(after).toMatchObject({ status: 'cleared', sidecarPriority: 9 });
    });

    test('a sidecar already on record is not recorded again by a rescreen', () => {
      const parsed = stream([
        ...opening,
        { type: 'SidecarParsed', data: { assetId: 'a1', sidecar: { title: 't' } } },
        ...['whitelist', 'intrusion', 'antivirus', 'analysis'].map((stage) => ({
          type: 'AssetScreened',
          data: { assetId: 'a1', stage, passed: true },
        })),
      ]);
      expect(foldAsset(parsed).sidecarFile).toBe('clip.xml');
      const { types } = given(parsed).when({
        type: 'RecordVerdict',
        stage: 'sidecar',
        verdict: { passed: true, sidecar: { title: 't' } },
      });
      expect(types).toEqual(['AssetScreened', 'AssetCleared']);
    });
  });

  describe('admin commands', () => {
    const quarantined = stream([
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
    ]);

    test('release for a rescreen starts over from the whitelist', () => {
      const { types, after } = given(quarantined).when({
        type: 'ReleaseAsset',
        mode: 'rescreen',
        reason: 'rule fixed',
      });
      expect(types).toEqual(['AssetReleased']);
      expect(after.status).toBe('released');
      expect(nextStage(after)).toBe('whitelist');
    });

    test('release by override clears at once and says so', () => {
      const { types, decided, after } = given(quarantined).when({
        type: 'ReleaseAsset',
        mode: 'override',
        reason: 'known',
      });
      expect(types).toEqual(['AssetReleased', 'AssetCleared']);
      expect(decided[1]!.data).toMatchObject({ override: true });
      expect(after.status).toBe('cleared');
    });

    test('delete needs a quarantined asset', () => {
      expect(given(quarantined).when({ type: 'DeleteAsset', reason: 'malware' }).types).toEqual(['AssetDeleted']);
      const cleared: AssetState = { ...foldAsset(quarantined), status: 'cleared' };
      expect(() => decide({ type: 'DeleteAsset', reason: 'x' }, cleared, ctx)).toThrow(/not quarantined/);
      expect(() => decide({ type: 'ReleaseAsset', mode: 'override', reason: 'x' }, cleared, ctx)).toThrow(StateError);
    });
  });
});
