import { initialAssetState, type AssetState } from '../../../domain/asset/asset';
import { DEFAULT_PRIORITY, laneFor, requestTransfer, transferPriority } from './request';

const cleared = (sidecarPriority?: number): AssetState => ({
  ...initialAssetState(),
  status: 'cleared',
  assetId: 'a1',
  sourceNetwork: 'news',
  targets: ['broadcast'],
  sizeBytes: 10,
  sha256: 'a'.repeat(64),
  ...(sidecarPriority === undefined ? {} : { sidecarPriority }),
});

describe('one priority scale: 1 (highest) to 10 (lowest)', () => {
  it('takes the sidecar priority as is: the sidecar uses the transfer scale', () => {
    for (let p = 1; p <= 10; p++) expect(transferPriority(p)).toBe(p);
    expect(transferPriority(undefined)).toBe(DEFAULT_PRIORITY);
  });

  it('sends priorities 1 and 2 in the urgent lane, the rest in the normal one', () => {
    expect([1, 2, 3, 5, 10].map(laneFor)).toEqual(['urgent', 'urgent', 'normal', 'normal', 'normal']);
  });

  it('a sidecar priority 1 makes an urgent transfer of priority 1; 8 stays 8 in the normal lane', () => {
    const target = { target: 'broadcast', transferId: 't1' };
    expect(requestTransfer(cleared(1), target)).toMatchObject({ priority: 1, lane: 'urgent' });
    expect(requestTransfer(cleared(8), target)).toMatchObject({ priority: 8, lane: 'normal' });
    expect(requestTransfer(cleared(), target)).toMatchObject({ priority: 5, lane: 'normal' });
  });

  it('an operator priority or lane wins over the sidecar', () => {
    const request = { target: 'broadcast', transferId: 't1', priority: 2 };
    expect(requestTransfer(cleared(9), request)).toMatchObject({ priority: 2, lane: 'urgent' });
    expect(requestTransfer(cleared(1), { ...request, lane: 'normal' })).toMatchObject({ priority: 2, lane: 'normal' });
  });
});

describe('a repair', () => {
  const repair = {
    target: 'broadcast',
    transferId: 't1',
    fetchFrom: { network: 'news', path: '/n/news/.mxhub/staging/a1/take.wav' },
    restorePath: '/n/broadcast/inbox/take.wav',
  };

  it('travels in the urgent lane, reason repair, restoring the damaged file in place of a folder', () => {
    expect(requestTransfer(cleared(8), repair)).toEqual(
      expect.objectContaining({
        sourceNetwork: 'news',
        sourcePath: repair.fetchFrom.path,
        lane: 'urgent',
        reason: 'repair',
        restorePath: repair.restorePath,
      }),
    );
    expect(requestTransfer(cleared(8), repair)).not.toHaveProperty('folder');
  });

  it('may copy from another replica on the damaged replica’s own node, even the origin’s', () => {
    const local = { ...repair, target: 'news', restorePath: '/n/news/.mxhub/staging/a1/take.wav' };
    expect(
      requestTransfer(cleared(), { ...local, fetchFrom: { network: 'news', path: '/n/news/cache/take.wav' } }),
    ).toMatchObject({ sourceNetwork: 'news', targetNetwork: 'news', reason: 'repair' });
  });

  it('of a rendition is checked against the rendition’s bytes and never rendered again', () => {
    const rendered: AssetState = { ...cleared(), renditions: { broadcast: 'xdcam-hd422-mxf' } };
    const bytes = { sha256: 'b'.repeat(64), sizeBytes: 7 };
    const request = requestTransfer(rendered, { ...repair, restorePath: '/n/broadcast/inbox/take.mxf', bytes });
    expect(request).toMatchObject({ sha256: bytes.sha256, sizeBytes: 7, reason: 'repair' });
    expect(request).not.toHaveProperty('rendition');
  });
});
