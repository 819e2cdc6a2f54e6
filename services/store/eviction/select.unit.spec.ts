import { selectEvictions, type EvictionCandidate } from './select';

const MB = 1_000_000;
const fill = (usedMb: number) => ({
  capacityBytes: 100 * MB,
  usedBytes: usedMb * MB,
  highWatermark: 90,
  lowWatermark: 80,
});
const replica = (assetId: string, over: Partial<EvictionCandidate> = {}): EvictionCandidate => ({
  assetId,
  path: `/n/cache/${assetId}.mxf`,
  kind: 'cached',
  state: 'ok',
  sizeBytes: 4 * MB,
  storedAt: '2026-12-01T00:00:00.000Z',
  lastReadAt: null,
  ...over,
});
const twoEach = (...ids: string[]) => new Map(ids.map((id) => [id, 2]));
const read = (hour: number) => `2026-12-02T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('eviction: which replicas leave a node above its high watermark', () => {
  test('at or under the high mark nothing is evicted', () => {
    expect(selectEvictions(fill(90), [replica('a')], twoEach('a'))).toEqual([]);
  });

  test('above it, cached replicas least recently read first, down to the low mark', () => {
    const replicas = [
      replica('recent', { lastReadAt: read(12) }),
      replica('old', { lastReadAt: read(1) }),
      replica('never', { storedAt: '2026-11-30T00:00:00.000Z' }),
      replica('middle', { lastReadAt: read(6) }),
    ];
    // 92 MB used, the low mark is 80: 12 MB to free, three 4 MB replicas.
    const chosen = selectEvictions(fill(92), replicas, twoEach('recent', 'old', 'never', 'middle'));
    expect(chosen.map((r) => r.assetId)).toEqual(['never', 'old', 'middle']);
  });

  test('never an origin or delivered replica, nor one that is not ok', () => {
    const replicas = [
      replica('o', { kind: 'origin' }),
      replica('d', { kind: 'delivered' }),
      replica('m', { state: 'missing' }),
      replica('c', { state: 'corrupt' }),
    ];
    expect(selectEvictions(fill(99), replicas, twoEach('o', 'd', 'm', 'c'))).toEqual([]);
  });

  test("never an asset's last good replica: it is skipped and the next one goes", () => {
    const replicas = [replica('only', { lastReadAt: read(1) }), replica('shared', { lastReadAt: read(2) })];
    const chosen = selectEvictions(
      fill(91),
      replicas,
      new Map([
        ['only', 1],
        ['shared', 3],
      ]),
    );
    expect(chosen.map((r) => r.assetId)).toEqual(['shared']);
  });

  test('two cached copies of one asset on the node with no other good one: one may go, never both', () => {
    const replicas = [replica('a', { path: '/n/cache/1.mxf' }), replica('a', { path: '/n/cache/2.mxf' })];
    expect(selectEvictions(fill(99), replicas, new Map([['a', 2]])).map((r) => r.path)).toEqual(['/n/cache/1.mxf']);
  });
});
