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
