import { StateError } from '../../../lib/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { isOwed, mediaDecider, type RenditionResult } from './media';

const spec = deciderSpec(mediaDecider);
const assetId = 'a1';
const sha256 = 'a'.repeat(64);
const staged = '/nodes/news/.mxhub/staging/a1/clip.mp4';

const detected = {
  type: 'AssetDetected' as const,
  data: { assetId, sourceNetwork: 'news', targets: [], originalName: 'clip.mp4', sizeBytes: 10 },
};
const ingested = { type: 'AssetIngested' as const, data: { assetId, stagedPath: staged, sizeBytes: 10, sha256 } };
const cleared = { type: 'AssetCleared' as const, data: { assetId, targets: [] } };
const origin = {
  type: 'ReplicaStored' as const,
  data: { assetId, network: 'news', path: staged, sha256, kind: 'origin' as const, sizeBytes: 10 },
};
const cached = {
  type: 'ReplicaStored' as const,
  data: { assetId, network: 'archive', path: '/nodes/archive/cache/clip.mp4', sha256, kind: 'cached' as const },
};
const proxy: RenditionResult = {
  outcome: 'created',
  kind: 'proxy',
  path: 'a1/proxy.mp4',
  mediaType: 'video/mp4',
  sizeBytes: 5,
  sha256,
  width: 640,
  height: 360,
  bitRate: 1_000_000,
  durationSeconds: 2,
};
const posterFailed: RenditionResult = { outcome: 'failed', kind: 'poster', reason: 'ffmpeg exited with code 1' };

describe('media decider', () => {
  test('a clearance is a request; its sources are the origin copy first, then other copies', () => {
    const { state } = spec.given([detected, ingested, cleared, origin, cached]);
    expect(isOwed(state)).toBe(true);
    expect(state.requestedAt).toBe(3);
    expect(state.sources).toEqual([staged, '/nodes/archive/cache/clip.mp4']);
  });

  test('a lost replica is no longer a source', () => {
    const missing = { type: 'ReplicaMissing' as const, data: { assetId, network: 'news', path: staged } };
    expect(spec.given([detected, ingested, cleared, origin, cached, missing]).state.sources).toEqual([
      '/nodes/archive/cache/clip.mp4',
    ]);
  });

  test('results answer the request they were made for, once', () => {
    const when = spec
      .given([detected, ingested, cleared, origin])
      .when({ type: 'RecordRenditions', forRequest: 3, results: [proxy, posterFailed] });
    const { outcome: _, ...made } = proxy as Extract<RenditionResult, { outcome: 'created' }>;
    when.then([
      { type: 'ProxyCreated', data: { assetId, ...made } },
      { type: 'ProxyFailed', data: { assetId, kind: 'poster', reason: 'ffmpeg exited with code 1' } },
    ]);
    expect(isOwed(when.state)).toBe(false);
    expect(when.state.results.proxy).toEqual(proxy);
    expect(spec.given(when.history).when({ type: 'RecordRenditions', forRequest: 3, results: [proxy] }).events).toEqual(
      [],
    );
  });

  test('a remake is asked once while it is owed, and only of a cleared asset', () => {
    const { outcome: _, ...made } = proxy as Extract<RenditionResult, { outcome: 'created' }>;
    const created = { type: 'ProxyCreated' as const, data: { assetId, ...made } };
    spec
      .given([detected, ingested, cleared, origin, created])
      .when({ type: 'RequestProxies' })
      .then([{ type: 'ProxyRequested', data: { assetId } }]);
    spec.given([detected, ingested, cleared, origin]).when({ type: 'RequestProxies' }).then([]);
    spec
      .given([detected, ingested])
      .when({ type: 'RequestProxies' })
      .thenThrows(StateError, /a1 is ingested: only a cleared asset has browse renditions/);
  });
});
