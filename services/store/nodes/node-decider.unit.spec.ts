import { deciderSpec } from '../../../test/support/decider-spec';
import { nodeDecider } from './node-decider';

const spec = deciderSpec(nodeDecider, { streamId: 'node-news' });
const down = { type: 'NodeDown' as const, data: { network: 'news', reason: '/n/news does not resolve (ENOENT)' } };
const up = { type: 'NodeUp' as const, data: { network: 'news' } };
const probe = (ok: boolean) =>
  ok
    ? { type: 'RecordProbe' as const, network: 'news', up: true as const }
    : { type: 'RecordProbe' as const, network: 'news', up: false as const, reason: 'statfs failed (EIO)' };

describe('node decider', () => {
  test('a node never seen down says nothing when a probe passes', () => {
    spec.given([]).when(probe(true)).then([]);
  });

  test('a failing probe of an up node says NodeDown with the reason', () => {
    spec
      .given([])
      .when(probe(false))
      .then([{ type: 'NodeDown', data: { network: 'news', reason: 'statfs failed (EIO)' } }]);
    spec
      .given([down, up])
      .when(probe(false))
      .then([{ type: 'NodeDown', data: { network: 'news', reason: 'statfs failed (EIO)' } }]);
  });

  test('a down node says nothing more while probes keep failing, and NodeUp once one passes', () => {
    spec.given([down]).when(probe(false)).then([]);
    spec.given([down]).when(probe(true)).then([up]);
  });

  test('the state follows the stream', () => {
    expect(spec.given([down]).state).toMatchObject({ up: false, reason: down.data.reason, version: 1 });
    expect(spec.given([down, up]).state).toMatchObject({ up: true, reason: undefined, version: 2 });
  });
});
