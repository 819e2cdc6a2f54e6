import { uuidv7 } from '../../../lib/ids';
import { deleted, detected, meta } from '../../../test/support/events';
import { startTestGateway, type TestGateway } from '../testing/gateway-fixture';

const at = (occurredAt: string) => ({ metadata: meta({ occurredAt }) });

// The same HTTP behaviour on both store adapters: the embedded profile serves this API too.
describe.each(['postgres', 'pglite'] as const)('GET /v1/events on %s', (kind) => {
  let gw: TestGateway;
  const a1 = `asset-${uuidv7()}`;
  const a2 = `asset-${uuidv7()}`;
  const t1 = `transfer-${uuidv7()}`;

  const get = async (query: string) => gw.request({ url: `/v1/events${query}`, headers: gw.as('auditor') });
  const page = async (query: string) => {
    const res = await get(query);
    expect(res.statusCode).toBe(200);
    return res.json() as { items: Array<{ streamId: string; type: string; position: string }>; next: string | null };
  };

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    await gw.store.append(a1, [detected(a1, at('2026-11-22T09:00:00.000Z')), deleted(a1)]);
    await gw.store.append(a2, [
      detected(a2, { metadata: meta({ occurredAt: '2026-11-22T11:00:00.000Z', actor: 'user:ana' }) }),
    ]);
    await gw.store.append(t1, [
      {
        id: uuidv7(),
        type: 'TransferRequested',
        data: {
          transferId: t1,
          assetId: a2,
          sourceNetwork: 'news',
          targetNetwork: 'broadcast',
          lane: 'normal',
          priority: 5,
          sizeBytes: 10,
          sha256: 'a'.repeat(64),
        },
        metadata: meta({ occurredAt: '2026-11-22T12:00:00.000Z' }),
      },
    ]);
  });
  afterAll(() => gw.dispose());

  test('without filters: the whole log in position order, each event in its JSON form', async () => {
    const { items, next } = await page('');
    expect(items.map((e) => [e.streamId, e.type])).toEqual([
      [a1, 'AssetDetected'],
      [a1, 'AssetDeleted'],
      [a2, 'AssetDetected'],
      [t1, 'TransferRequested'],
    ]);
    expect(next).toBeNull();
    const positions = items.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : 1)));
    expect(items[0]).toMatchObject({ version: 1, schemaVersion: 1, prevHash: '', metadata: { actor: 'user:test' } });
    expect(items[0]).toHaveProperty('hash');
    expect(items[0]).toHaveProperty('data.assetId', a1);
  });

  test('pages by position: next is the last position while pages are full, null on the last page', async () => {
    const first = await page('?limit=3');
    expect(first.items).toHaveLength(3);
    expect(first.next).toBe(first.items[2]!.position);
    const second = await page(`?limit=3&after=${first.next}`);
    expect(second.items.map((e) => e.streamId)).toEqual([t1]);
    expect(second.next).toBeNull();
    const exact = await page('?limit=4');
    expect(exact.next).toBe(exact.items[3]!.position);
    expect(await page(`?after=${exact.next}`)).toEqual({ items: [], next: null });
  });

  test('filters by stream, category, types and occurredAt window', async () => {
    expect((await page(`?stream=${a1}`)).items.map((e) => e.type)).toEqual(['AssetDetected', 'AssetDeleted']);
    expect((await page('?category=transfer')).items.map((e) => e.streamId)).toEqual([t1]);
    expect((await page('?type=AssetDeleted,TransferRequested')).items.map((e) => e.type)).toEqual([
      'AssetDeleted',
      'TransferRequested',
    ]);
    // from is inclusive, to exclusive: 11:00 is in, 12:00 is out.
    const window = await page('?from=2026-11-22T11:00:00Z&to=2026-11-22T12:00:00Z');
    expect(window.items.map((e) => e.streamId)).toEqual([a2]);
    expect((await page(`?category=asset&type=AssetDetected&stream=${a2}`)).items).toHaveLength(1);
    // The actor exactly as the event names it: who did what.
    expect((await page('?actor=user:ana')).items.map((e) => e.streamId)).toEqual([a2]);
    expect((await page('?actor=user:an')).items).toEqual([]);
  });

  test.each([
    ['?limit=0', 'query parameter "limit" must be >= 1'],
    ['?limit=1001', 'query parameter "limit" must be <= 1000'],
    ['?limit=ten', 'query parameter "limit" must be integer'],
    ['?after=-1', 'query parameter "after" must match pattern'],
    ['?after=99999999999999999999', 'query parameter "after" must match pattern'],
    ['?after=9223372036854775808', 'query parameter "after" must be at most 9223372036854775807'],
    ['?from=yesterday', 'query parameter "from" must be an ISO-8601 time with zone'],
    [
      '?from=2026-11-22T12:00:00Z&to=2026-11-22T11:00:00Z',
      'query parameter "to" (2026-11-22T11:00:00Z) must be later than "from"',
    ],
    ['?type=AssetDetected,,X', 'query parameter "type" must match pattern'],
    ['?stream=nodash', 'query parameter "stream" must match pattern'],
    [
      '?typ=AssetDetected',
      'query parameter "typ" is not accepted; accepted: stream, category, type, actor, from, to, after, limit, format',
    ],
  ])('%s -> 400 naming the parameter', async (query, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MXHUB_ERR_VALIDATION');
    expect(res.json().error.message).toContain(message);
  });

  test('format=jsonl exports the whole filtered range as JSON Lines, one event per line, limit ignored', async () => {
    const res = await get('?category=asset&format=jsonl&limit=1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="mxhub-events-after-0\.jsonl"$/);
    const lines = res.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { streamId: string; type: string });
    expect(lines.map((e) => [e.streamId, e.type])).toEqual([
      [a1, 'AssetDetected'],
      [a1, 'AssetDeleted'],
      [a2, 'AssetDetected'],
    ]);
    expect(res.body.endsWith('\n')).toBe(true);
  });

  test('format=jsonl is for auditors too: a viewer is refused', async () => {
    const res = await gw.request({ url: '/v1/events?format=jsonl', headers: gw.as('viewer') });
    expect(res.statusCode).toBe(403);
  });
});
