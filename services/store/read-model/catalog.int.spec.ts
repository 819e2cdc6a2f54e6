import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { createStoreRoutes } from '../routes';
import { storeProjection } from './projection';
import { createReplicaQueries, type ReplicaQueries } from './queries';

const SHA = 'a'.repeat(64);
const BAD = 'b'.repeat(64);

describe.each(['postgres', 'pglite'] as const)('replica catalog on %s (issue 13 item 2)', (kind) => {
  let gw: TestGateway;
  let runner: ProjectionRunner;
  let queries: ReplicaQueries;
  let second = 0;
  const assetId = uuidv7();
  const stream = `asset-${assetId}`;
  const origin = `/nodes/news/.mxhub/staging/${assetId}/clip.mxf`;
  const inbox = '/nodes/broadcast/inbox/clip.mxf';

  const event = (type: string, data: object, actor = 'test'): NewEvent => ({
    id: uuidv7(),
    type,
    data: { assetId, ...data },
    metadata: {
      correlationId: assetId,
      causationId: assetId,
      actor,
      occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, second++)).toISOString(),
    },
  });
  const append = (...events: NewEvent[]) => gw.store.append(stream, events, 'any');

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  beforeAll(async () => {
    gw = await startTestGateway(kind, {
      routes: [
        async (app, opts) => app.register(createStoreRoutes({ queries: createReplicaQueries(opts.deps.sql) }), opts),
      ],
    });
    queries = createReplicaQueries(gw.deps.sql);
    runner = createProjectionRunner({
      sql: gw.deps.sql,
      store: gw.store,
      projections: [storeProjection],
      logger: pino({ level: 'silent' }),
    });
    await append(
      event('AssetDetected', {
        sourceNetwork: 'news',
        targets: ['broadcast'],
        originalName: 'clip.mxf',
        sizeBytes: 11,
      }),
      event('AssetIngested', { stagedPath: origin, sizeBytes: 11, sha256: SHA }),
      event('AssetCleared', { targets: ['broadcast'] }),
      event('ReplicaStored', { network: 'news', path: origin, sha256: SHA, kind: 'origin', sizeBytes: 11 }),
      // Written before the store: no kind, no size (a delivery; the size is the asset's).
      event('ReplicaStored', { network: 'broadcast', path: inbox, sha256: SHA, transferId: 't1' }),
    );
    await project();
  }, 60_000);

  afterAll(async () => {
    await gw?.dispose();
  });

  test('every replica with its kind, state and size; an old ReplicaStored reads as a delivery', async () => {
    const res = await gw.request({ url: `/v1/assets/${assetId}/replicas`, headers: gw.as('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        {
          network: 'broadcast',
          kind: 'delivered',
          path: inbox,
          sha256: SHA,
          state: 'ok',
          verifiedAt: '2026-12-02T10:00:04.000Z',
          sizeBytes: 11,
          lastReadAt: null,
        },
        {
          network: 'news',
          kind: 'origin',
          path: origin,
          sha256: SHA,
          state: 'ok',
          verifiedAt: '2026-12-02T10:00:03.000Z',
          sizeBytes: 11,
          lastReadAt: null,
        },
      ],
      next: null,
    });
    expect((await queries.asset(assetId)).status).toBe('cleared');
  });

  test('audit outcomes and reads move the replica: corrupt, repaired, read, evicted', async () => {
    await append(event('ReplicaCorrupt', { network: 'broadcast', path: inbox, foundSha256: BAD }));
    await project();
    expect((await queries.goodReplicas(assetId)).map((r) => r.network)).toEqual(['news']);
    expect(await queries.replicasOnNode('broadcast', { state: 'corrupt' })).toHaveLength(1);

    await append(
      event('ReplicaRepaired', { network: 'broadcast', path: inbox, sha256: SHA, fromNetwork: 'news' }),
      event('AssetRead', { network: 'news', path: origin, bytes: 11 }, 'user:viewer'),
      event('ReplicaEvicted', { network: 'broadcast', path: inbox, reason: 'test' }),
    );
    await project();
    const [broadcast, news] = await queries.replicasOf(assetId);
    expect(broadcast).toMatchObject({ state: 'evicted', verifiedAt: '2026-12-02T10:00:06.000Z' });
    expect(news).toMatchObject({ state: 'ok', lastReadAt: '2026-12-02T10:00:07.000Z' });
  });

  test('replicas on a node come oldest verification first, or least recently read first', async () => {
    const other = uuidv7();
    const path = `/nodes/news/.mxhub/staging/${other}/b.wav`;
    await gw.store.append(
      `asset-${other}`,
      [
        {
          ...event('ReplicaStored', { network: 'news', path, sha256: SHA, kind: 'origin' }),
          data: { assetId: other, network: 'news', path, sha256: SHA, kind: 'origin' },
        },
      ],
      'any',
    );
    await project();
    expect((await queries.replicasOnNode('news', { order: 'verified' })).map((r) => r.assetId)).toEqual([
      assetId,
      other,
    ]);
    // Read again after the second was stored: least recently read first now puts it last.
    await append(event('AssetRead', { network: 'news', path: origin, bytes: 11 }, 'user:viewer'));
    await project();
    expect((await queries.replicasOnNode('news', { order: 'read' })).map((r) => r.assetId)).toEqual([other, assetId]);
  });

  test('an unknown asset is a 404; readers may list replicas, a connector may not', async () => {
    const unknown = await gw.request({ url: `/v1/assets/${uuidv7()}/replicas`, headers: gw.as('auditor') });
    expect(unknown.statusCode).toBe(404);
    const connector = await gw.request({ url: `/v1/assets/${assetId}/replicas`, headers: gw.as('connector') });
    expect(connector.statusCode).toBe(403);
    expect((await gw.request({ url: `/v1/assets/${assetId}/replicas` })).statusCode).toBe(401);
  });
});
