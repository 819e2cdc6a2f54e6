import type { AssetEvent } from '../../events/catalog/asset-events';
import { StateError, ValidationError } from '../../lib/errors';
import { deciderSpec } from '../../test/support/decider-spec';
import { assetDecider } from './decide';

const { given } = deciderSpec(assetDecider, { streamId: 'asset-a1', context: { actor: 'user:editor' } });

const detected: AssetEvent = {
  type: 'AssetDetected',
  data: { assetId: 'a1', sourceNetwork: 'news', targets: [], originalName: 'clip.mxf', sizeBytes: 10 },
};
const sidecar = {
  title: '民生新闻 早间版',
  programmeId: 'PRG-7',
  destinations: [],
  extra: [
    { key: 'reporter', value: '王骏' },
    { key: 'keywords', value: '民生 交通' },
  ],
};
const parsed: AssetEvent = { type: 'SidecarParsed', data: { assetId: 'a1', sidecar } };

describe('ChangeMetadata', () => {
  test('given a sidecar, an edit records the whole metadata before and after and the fields changed', () => {
    const edited = given([detected, parsed]).when({
      type: 'ChangeMetadata',
      patch: { title: ' 民生新闻 晚间版 ', description: '交通事故', extra: { keywords: null, camera: 'A' } },
    });
    const after = {
      ...sidecar,
      title: '民生新闻 晚间版',
      description: '交通事故',
      extra: [
        { key: 'reporter', value: '王骏' },
        { key: 'camera', value: 'A' },
      ],
    };
    edited.then([
      {
        type: 'MetadataChanged',
        data: {
          assetId: 'a1',
          before: sidecar,
          after,
          changed: ['title', 'description', 'extra.keywords', 'extra.camera'],
        },
      },
    ]);
    // Evolve replaces the sidecar: the next delivery carries the edit.
    expect(edited.state.sidecar).toEqual(after);
  });

  test('an edit that changes nothing appends nothing', () => {
    given([detected, parsed])
      .when({ type: 'ChangeMetadata', patch: { title: sidecar.title, extra: { reporter: '王骏' } } })
      .then([]);
  });

  test('an asset without a sidecar gets one, which must hold a title and a material or programme id', () => {
    given([detected])
      .when({ type: 'ChangeMetadata', patch: { title: 'Morning' } })
      .thenThrows(ValidationError, /materialId.*or <programmeId> is required/);
    const made = given([detected]).when({ type: 'ChangeMetadata', patch: { title: 'Morning', materialId: 'M-1' } });
    expect(made.events[0]!.data).toMatchObject({ before: {}, changed: ['title', 'materialId'] });
  });

  test.each([
    [{ title: null }, /title> is required/],
    [{ title: 'x'.repeat(513) }, /title> is longer than 512/],
    [{ programmeId: 'has space' }, /programmeId> must be an identifier/],
    [{ category: '' }, /category> is empty/],
    [{ extra: { 'bad key': 'v' } }, /item> must be keyed by a name/],
    [{ description: 'bell\u0007' }, /description> contains a control character/],
  ])('a field the sidecar format refuses is refused the same way (case %#)', (patch, message) => {
    given([detected, parsed]).when({ type: 'ChangeMetadata', patch }).thenThrows(ValidationError, message);
  });

  test('a deleted asset cannot be edited', () => {
    const deleted: AssetEvent = { type: 'AssetDeleted', data: { assetId: 'a1', reason: 'gone' } };
    given([detected, parsed, deleted])
      .when({ type: 'ChangeMetadata', patch: { title: 't' } })
      .thenThrows(StateError, /deleted/);
  });
});
