import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import { hashToken } from '../../gateway/auth';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { mediaProjection } from '../read-model/projection';
import { createMediaQueries } from '../read-model/queries';
import { mediaRoutes } from './media';

const logger = pino({ level: 'silent' });
const newsViewer = randomBytes(24).toString('base64url');
const archiveViewer = randomBytes(24).toString('base64url');

/**
 * The rendition routes on both profiles, over renditions recorded by hand
 * (the bytes do not matter here; the process manager's test makes real ones):
 * Range, the 404s that say why, the browse scope, who may remake.
 */
describe.each(['postgres', 'pglite'] as const)('media routes on %s', (kind) => {
  let gw: TestGateway;
  let center: string;
  let runner: ProjectionRunner;
  const proxyBytes = randomBytes(5000);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let made: string;
  let owed: string;
  let tiled: string;
  const tiles = { count: 4, columns: 4, rows: 1, intervalSeconds: 2.5 };

  beforeAll(async () => {
    center = await mkdtemp(join(tmpdir(), 'mxhub-center-'));
    gw = await startTestGateway(
      kind,
      {
        routes: [
          async (app, opts) =>
            app.register(
              mediaRoutes({ queries: createMediaQueries(opts.deps.sql), store: opts.deps.store, centerRoot: center }),
              opts,
            ),
        ],
      },
      [
        { name: 'news-viewer', role: 'viewer', networks: ['news'], sha256: hashToken(newsViewer) },
        { name: 'archive-viewer', role: 'viewer', networks: ['archive'], sha256: hashToken(archiveViewer) },
      ],
    );
    runner = createProjectionRunner({ sql: gw.deps.sql, store: gw.store, projections: [mediaProjection], logger });
    made = await cleared(
      [
        'ProxyCreated',
        { kind: 'proxy', path: 'a/proxy.mp4', mediaType: 'video/mp4', sizeBytes: 5000, sha256: sha(proxyBytes) },
      ],
      [
        'ProxyFailed',
        { kind: 'filmstrip', reason: 'ffmpeg exited with code 1 writing filmstrip.jpg: Invalid data found' },
      ],
    );
    owed = await cleared();
    tiled = await cleared([
      'ProxyCreated',
      {
        kind: 'filmstrip',
        path: 't/filmstrip.jpg',
        mediaType: 'image/jpeg',
        sizeBytes: 9,
        sha256: 'c'.repeat(64),
        tiles,
      },
    ]);
    await mkdir(join(center, 'a'), { recursive: true });
    await writeFile(join(center, 'a', 'proxy.mp4'), proxyBytes);
    await project();
  });
  afterAll(async () => {
    await gw?.dispose();
    await rm(center, { recursive: true, force: true });
  });

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  async function cleared(...results: Array<[string, object]>): Promise<string> {
    const assetId = uuidv7();
    const sha256 = 'b'.repeat(64);
    const facts: Array<[string, object]> = [
      ['AssetDetected', { sourceNetwork: 'news', targets: [], originalName: 'clip.mp4', sizeBytes: 1 }],
      ['AssetIngested', { stagedPath: '/nowhere/clip.mp4', sizeBytes: 1, sha256 }],
      ['AssetCleared', { targets: [] }],
      ['ReplicaStored', { network: 'news', path: '/nowhere/clip.mp4', sha256, kind: 'origin', sizeBytes: 1 }],
      ...results,
    ];
    const events = facts.map(([type, data]) => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: { correlationId: assetId, causationId: assetId, actor: 'test', occurredAt: new Date().toISOString() },
    }));
    await gw.store.append(`asset-${assetId}`, events, 'no_stream');
    return assetId;
  }

  const get = (url: string, headers: Record<string, string> = gw.as('viewer')) => gw.request({ url, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('the proxy whole (200, its type, its hash as ETag) and a range of it (206)', async () => {
    const whole = await get(`/v1/assets/${made}/proxy`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers.etag).toBe(`"${sha(proxyBytes)}"`);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-length']).toBe('5000');

    const part = await get(`/v1/assets/${made}/proxy`, { ...gw.as('viewer'), range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/5000');
    expect(part.headers['content-length']).toBe('100');

    const beyond = await get(`/v1/assets/${made}/proxy`, { ...gw.as('viewer'), range: 'bytes=9000-9999' });
    expect(beyond.statusCode).toBe(416);
  });

  test('the renditions list: each made with its route and a filmstrip’s tiles, or failed with why; owed while asked', async () => {
    const list = await get(`/v1/assets/${made}/renditions`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      owed: false,
      items: [
        expect.objectContaining({ kind: 'proxy', state: 'created', url: `/v1/assets/${made}/proxy`, sizeBytes: 5000 }),
        expect.objectContaining({ kind: 'filmstrip', state: 'failed', url: null, tiles: null }),
      ],
    });
    expect(list.json().items[1].reason).toMatch(/^ffmpeg exited with code 1/);
    const strip = (await get(`/v1/assets/${tiled}/renditions`)).json().items[0];
    expect(strip).toMatchObject({ kind: 'filmstrip', url: `/v1/assets/${tiled}/filmstrip`, tiles });
    expect((await get(`/v1/assets/${owed}/renditions`)).json()).toEqual({ owed: true, items: [] });
    expect((await get(`/v1/assets/${made}/renditions`, bearer(archiveViewer))).statusCode).toBe(404);
  });

  test('404s say why: failed (with ffmpeg’s reason), not made yet, not of this media, no such asset', async () => {
    const failed = await get(`/v1/assets/${made}/filmstrip`);
    expect(failed.statusCode).toBe(404);
    expect(failed.json().error.message).toBe(
      `the filmstrip of asset ${made} could not be made: ffmpeg exited with code 1 writing filmstrip.jpg: Invalid data found (POST /v1/assets/${made}/proxy makes it again)`,
    );
    expect((await get(`/v1/assets/${made}/waveform`)).json().error.message).toBe(
      `asset ${made} has no waveform: its media does not have one (its renditions: proxy, filmstrip)`,
    );
    expect((await get(`/v1/assets/${owed}/poster`)).json().error.message).toBe(
      `the poster of asset ${owed} is not made yet: it is queued or being made`,
    );
    const none = await get('/v1/assets/no-such-asset/proxy');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/no such asset, or it is not cleared/);
  });

  test('a scoped viewer sees the renditions of its networks’ assets only; a connector none; no token 401', async () => {
    expect((await get(`/v1/assets/${made}/proxy`, bearer(newsViewer))).statusCode).toBe(200);
    const hidden = await get(`/v1/assets/${made}/proxy`, bearer(archiveViewer));
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.message).toBe(`asset ${made} not found`);
    expect((await get(`/v1/assets/${made}/filmstrip`, bearer(archiveViewer))).json().error.message).toBe(
      `asset ${made} not found`,
    );
    expect((await get(`/v1/assets/${made}/proxy`, gw.as('connector'))).statusCode).toBe(403);
    expect((await get(`/v1/assets/${made}/proxy`, {})).statusCode).toBe(401);
  });

  test('a remake is an operator’s: 202 and ProxyRequested; asked once while owed; a viewer 403, no asset 404', async () => {
    const post = (assetId: string, role: 'operator' | 'viewer' | 'admin' = 'operator') =>
      gw.request({ method: 'POST', url: `/v1/assets/${assetId}/proxy`, headers: gw.as(role) });
    const first = await post(made);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ assetId: made, requested: true });
    expect((await post(made, 'admin')).json()).toEqual({ assetId: made, requested: false });
    expect((await post(owed)).json()).toEqual({ assetId: owed, requested: false });
    const requests = (await gw.store.readStream(`asset-${made}`)).filter((e) => e.type === 'ProxyRequested');
    expect(requests.map((e) => e.metadata.actor)).toEqual(['user:test-operator']);
    expect((await post(made, 'viewer')).statusCode).toBe(403);
    expect((await post('no-such-asset')).statusCode).toBe(404);
    await project();
    expect((await get(`/v1/assets/${made}/proxy`)).statusCode).toBe(200);
  });
});
