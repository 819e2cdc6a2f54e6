import type { AssetEvent } from '../../../events/catalog/asset-events';
import type { UsageEvent } from '../../../events/catalog/pick-events';
import { NotFoundError, StateError, ValidationError } from '../../../lib/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { usageMarkDecider } from './usage-mark';

const detected: AssetEvent = {
  type: 'AssetDetected',
  data: { assetId: 'a1', sourceNetwork: 'news', targets: [], originalName: 'clip.mxf', sizeBytes: 3 },
};
const mark = {
  type: 'RecordUsage' as const,
  assetId: 'a1',
  department: ' 新闻部 ',
  program: '民生新闻',
  where: '19:00',
};

describe('usage mark decide', () => {
  const { given } = deciderSpec(usageMarkDecider, { streamId: 'asset-a1' });

  test('a mark on an asset: its fields trimmed, the note only when given', () => {
    const used: UsageEvent = {
      type: 'AssetUsed',
      data: { assetId: 'a1', department: '新闻部', program: '民生新闻', where: '19:00' },
    };
    given([detected]).when(mark).then([used]);
    given([detected, used])
      .when({ ...mark, note: 'opening shot' })
      .then([{ type: 'AssetUsed', data: { ...used.data, note: 'opening shot' } }]);
  });

  test('a field of spaces is refused naming it', () => {
    given([detected])
      .when({ ...mark, where: '  ' })
      .thenThrows(ValidationError, /^where:/);
  });

  test('no such asset is a 404; a deleted one a 409', () => {
    given([]).when(mark).thenThrows(NotFoundError, 'asset a1 not found');
    given([detected, { type: 'AssetDeleted', data: { assetId: 'a1', reason: 'infected' } }])
      .when(mark)
      .thenThrows(StateError, /deleted/);
  });
});
