import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { timelineProjection } from '../../../services/audit/read-model/projection';
import { uuidv7 } from '../../../lib/ids';
import { hashToken, type Role, type TokenEntry } from '../../../services/gateway/auth';
import type { GatewayRoutes } from '../../../services/gateway/deps';
import { startTestGateway, type TestGateway } from '../../../services/gateway/testing/gateway-fixture';
import { mediaProjection } from '../../../services/media/read-model/projection';
import { createMediaQueries } from '../../../services/media/read-model/queries';
import { mediaRoutes } from '../../../services/media/routes/media';
import { assetsProjection } from '../../../services/screening/read-model/projection';
import { createAssetQueries } from '../../../services/screening/read-model/queries';
import { createScreeningRoutes } from '../../../services/screening/routes';
import { unmeasuredLinks } from '../../../services/store/domain/choose-source';
import { storeProjection } from '../../../services/store/read-model/projection';
import { createReplicaQueries } from '../../../services/store/read-model/queries';
import { createStoreRoutes } from '../../../services/store/routes';
import { settled } from '../../support/settle';

/**
 * Route × rights (issue 14 item 6): every route that shows or serves one
 * asset, for every principal, on assets held in different networks. A scoped
 * viewer (`desk`, news) sees an asset that originates in news or has a
 * replica there, and nothing else: 404 as for an asset that does not exist.
 * A viewer without canDownload (`nodl`) reads everything but content (403).
 */
const NETWORKS = ['broadcast', 'archive', 'news'];

type Principal = Role | 'desk' | 'nodl';
const PRINCIPALS: Principal[] = ['admin', 'operator', 'auditor', 'viewer', 'connector', 'desk', 'nodl'];
const MORE: Record<'desk' | 'nodl', Omit<TokenEntry, 'sha256' | 'name'>> = {
  desk: { role: 'viewer', networks: ['news'] },
  nodl: { role: 'viewer', canDownload: false },
};
const roleOf = (p: Principal): Role => (p === 'desk' || p === 'nodl' ? MORE[p].role : p);

/** Each asset: where it comes from, its replicas (network, kind, evicted?). */
const ASSETS = {
  'news pool': { source: 'news', targets: [], replicas: [['news', 'origin']] },
  'news to archive': {
    source: 'news',
    targets: ['archive'],
    replicas: [
      ['news', 'origin'],
      ['archive', 'delivered'],
    ],
  },
  'archive only': { source: 'archive', targets: [], replicas: [['archive', 'origin']] },
  'archive to news': {
    source: 'archive',
    targets: ['news'],
    replicas: [
      ['archive', 'origin'],
      ['news', 'delivered'],
    ],
  },
  'archive, evicted from news': {
    source: 'archive',
    targets: [],
    replicas: [
      ['archive', 'origin'],
      ['news', 'cached', 'evicted'],
    ],
  },
} as const;
type AssetName = keyof typeof ASSETS;
const IN_NEWS: AssetName[] = ['news pool', 'news to archive', 'archive to news'];

/** The roles each route admits (the guard's 403 comes before any right). */
const ROUTES: Record<string, { roles: Role[]; method?: 'POST'; url: (id: string) => string; download?: true }> = {
  'GET asset': { roles: ['admin', 'operator', 'auditor', 'viewer'], url: (id) => `/v1/assets/${id}` },
  'GET timeline': { roles: ['admin', 'operator', 'auditor', 'viewer'], url: (id) => `/v1/assets/${id}/timeline` },
  'GET stream': { roles: ['admin', 'operator', 'auditor', 'viewer'], url: (id) => `/v1/streams/asset-${id}` },
  'GET replicas': { roles: ['admin', 'operator', 'auditor', 'viewer'], url: (id) => `/v1/assets/${id}/replicas` },
  'GET content': {
    roles: ['admin', 'operator', 'auditor', 'viewer', 'connector'],
    url: (id) => `/v1/assets/${id}/content`,
    download: true,
  },
  // Browse renditions are low quality: every reader that sees the asset views them, download right or not.
  'GET poster': { roles: ['admin', 'operator', 'auditor', 'viewer'], url: (id) => `/v1/assets/${id}/poster` },
  'POST fetch into news': {
    roles: ['admin', 'operator', 'connector'],
    method: 'POST',
    url: (id) => `/v1/assets/${id}/fetch`,
  },
};

/** What a principal should get: the guard's 403, then 404 for an asset outside its scope, then the right. */
function expected(p: Principal, route: string, asset: AssetName): number | 'ok' {
  const r = ROUTES[route]!;
  if (!r.roles.includes(roleOf(p))) return 403;
  const scoped = p === 'desk' || p === 'connector';
  if (r.download && p === 'nodl') return 403;
  if (scoped && !IN_NEWS.includes(asset)) return 404;
  return 'ok';
}

describe.each(['postgres', 'pglite'] as const)('routes × rights on %s', (kind) => {
  let gw: TestGateway;
  let runner: ProjectionRunner;
  let base: string;
  const tokens = { desk: randomBytes(24).toString('base64url'), nodl: randomBytes(24).toString('base64url') };
  const ids = {} as Record<AssetName, string>;
  let second = 0;

  const headers = (p: Principal) =>
    p === 'desk' || p === 'nodl' ? { authorization: `Bearer ${tokens[p]}` } : gw.as(p);
  const event = (assetId: string, type: string, data: object): NewEvent => ({
    id: uuidv7(),
    type,
    data: { assetId, ...data },
    metadata: {
      correlationId: assetId,
      causationId: assetId,
      actor: 'test',
      occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, second++)).toISOString(),
    },
  });

  async function makeAsset(name: AssetName): Promise<string> {
    const { source, targets, replicas } = ASSETS[name];
    const assetId = uuidv7();
    const bytes = Buffer.from(`bytes of ${name}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sizeBytes = bytes.length;
    const events: NewEvent[] = [];
    const add = (type: string, data: object) => events.push(event(assetId, type, data));
    add('AssetDetected', { sourceNetwork: source, targets, originalName: `${assetId}.wav`, sizeBytes });
    for (const [network, replicaKind, evicted] of replicas as ReadonlyArray<readonly [string, string, string?]>) {
      const dir = join(base, network, replicaKind, assetId);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${assetId}.wav`);
      await writeFile(path, bytes);
      if (replicaKind === 'origin') {
        add('AssetIngested', { stagedPath: path, sizeBytes, sha256 });
        add('AssetCleared', { targets });
      }
      add('ReplicaStored', { network, path, sha256, kind: replicaKind, sizeBytes });
      if (evicted) add('ReplicaEvicted', { network, path });
    }
    // A browse rendition in the centre store, as the media service leaves one.
    const poster = Buffer.from(`poster of ${name}`);
    await mkdir(join(base, 'center', assetId), { recursive: true });
    await writeFile(join(base, 'center', assetId, 'poster.jpg'), poster);
    add('ProxyCreated', {
      kind: 'poster',
      path: `${assetId}/poster.jpg`,
      mediaType: 'image/jpeg',
      sizeBytes: poster.length,
      sha256: createHash('sha256').update(poster).digest('hex'),
    });
    await gw.store.append(`asset-${assetId}`, events, 'no_stream');
    return assetId;
  }

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mxhub-rights-'));
    const routes: GatewayRoutes = async (app, opts) => {
      const { sql, store } = opts.deps;
      const commands = { release: jest.fn(), remove: jest.fn() };
      await app.register(createScreeningRoutes({ queries: createAssetQueries(sql), commands }), opts);
      await app.register(
        createStoreRoutes({ queries: createReplicaQueries(sql), store, networks: NETWORKS, links: unmeasuredLinks }),
        opts,
      );
      await app.register(
        mediaRoutes({ queries: createMediaQueries(sql), store, centerRoot: join(base, 'center') }),
        opts,
      );
    };
    const more = (['desk', 'nodl'] as const).map((name) => ({ name, sha256: hashToken(tokens[name]), ...MORE[name] }));
    gw = await startTestGateway(kind, { routes: [routes] }, more);
    runner = createProjectionRunner({
      sql: gw.deps.sql,
      store: gw.store,
      projections: [assetsProjection, timelineProjection, storeProjection, mediaProjection],
      logger: pino({ level: 'silent' }),
    });
    for (const name of Object.keys(ASSETS) as AssetName[]) ids[name] = await makeAsset(name);
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }, 60_000);
  afterAll(async () => {
    await gw?.dispose();
    await rm(base, { recursive: true, force: true });
  });

  const call = (p: Principal, route: string, assetId: string) => {
    const r = ROUTES[route]!;
    return gw.app.inject({
      method: r.method ?? 'GET',
      url: r.url(assetId),
      headers: { ...headers(p), ...(r.method ? { 'content-type': 'application/json' } : {}) },
      ...(r.method ? { payload: JSON.stringify({ network: 'news' }) } : {}),
    });
  };

  test('every principal on every route and asset gets what its role and rights allow', async () => {
    const got: Record<string, number | 'ok'> = {};
    const want: Record<string, number | 'ok'> = {};
    for (const p of PRINCIPALS)
      for (const route of Object.keys(ROUTES))
        for (const asset of Object.keys(ASSETS) as AssetName[]) {
          const res = await call(p, route, ids[asset]);
          const key = `${p} ${route} [${asset}]`;
          got[key] = res.statusCode === 200 || res.statusCode === 202 ? 'ok' : res.statusCode;
          want[key] = expected(p, route, asset);
        }
    expect(got).toEqual(want);
  }, 120_000);

  test('a scoped viewer learns nothing: an asset it may not see answers as one that does not exist', async () => {
    const missing = uuidv7();
    for (const route of ['GET asset', 'GET timeline', 'GET stream', 'GET replicas', 'GET content', 'GET poster']) {
      const hidden = await call('desk', route, ids['archive only']);
      const absent = await call('desk', route, missing);
      expect(hidden.statusCode).toBe(404);
      expect(absent.statusCode).toBe(404);
      expect(hidden.json().error.message).toBe(`asset ${ids['archive only']} not found`);
      expect(absent.json().error.message).toBe(`asset ${missing} not found`);
    }
  });

  test('without canDownload, content is a 403 naming the right', async () => {
    const res = await call('nodl', 'GET content', ids['news pool']);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'MXHUB_ERR_FORBIDDEN' });
    expect(res.json().error.message).toMatch(/viewer "nodl" has no download right \(canDownload\)/);
  });
});
