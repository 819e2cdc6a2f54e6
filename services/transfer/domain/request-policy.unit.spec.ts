import { initialAssetState, type AssetState } from '../../../domain/asset/asset';
import { StateError } from '../../../lib/errors';
import { requestTransfer } from './request';

/* A target's acceptance policy in a request: a refused target is never sent to, a transcode target gets a rendition. */

const asset: AssetState = {
  ...initialAssetState(),
  status: 'cleared',
  assetId: 'a1',
  sourceNetwork: 'news',
  targets: ['broadcast', 'archive', 'playout'],
  sizeBytes: 10,
  sha256: 'a'.repeat(64),
  refused: { broadcast: { rule: 'policy.audioCodec', reason: "target 'broadcast': audioCodec is aac; accepted: pcm" } },
  renditions: { playout: 'xdcam-hd422-mxf' },
};

describe('requestTransfer and the target policy', () => {
  it('refuses a send to a target that refused the asset with a 409 naming the rule and the reason', () => {
    const send = () => requestTransfer(asset, { target: 'broadcast', transferId: 't1' });
    expect(send).toThrow(StateError);
    expect(send).toThrow(/refused for 'broadcast'.*policy\.audioCodec.*audioCodec is aac; accepted: pcm/);
    try {
      send();
    } catch (err) {
      expect(err).toMatchObject({ status: 409, code: 'MXHUB_ERR_STATE', details: { rule: 'policy.audioCodec' } });
    }
  });

  it('names the rendition profile for a target whose policy names one, and none for a target that takes the original', () => {
    expect(requestTransfer(asset, { target: 'playout', transferId: 't2' })).toMatchObject({
      targetNetwork: 'playout',
      rendition: { profile: 'xdcam-hd422-mxf' },
    });
    expect(requestTransfer(asset, { target: 'archive', transferId: 't3' })).not.toHaveProperty('rendition');
  });
});
