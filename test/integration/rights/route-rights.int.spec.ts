import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { timelineProjection } from '../../../services/audit/read-model/projection';
import { catalogProjection } from '../../../services/catalog/read-model/projection';
import { createCatalogService } from '../../../services/catalog/service';
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
import { dropRoutes } from '../../../services/screening/routes/drops';
import { unmeasuredLinks } from '../../../services/store/domain/choose-source';
import { storeProjection } from '../../../services/store/read-model/projection';
import { createReplicaQueries } from '../../../services/store/read-model/queries';
import { createStoreRoutes } from '../../../services/store/routes';
import { transfersProjection } from '../../../services/transfer/read-model/projection';
import { createTransferQueries } from '../../../services/transfer/read-model/queries';
import { transferRoutes } from '../../../services/transfer/routes/transfers';
import { usageProjection } from '../../../services/usage/read-model/projection';
import { createUsageService } from '../../../services/usage/service';
import { settled } from '../../support/settle';

/**
 * Route × rights (issue 14 item 6): every route that shows, serves, marks or
 * edits one asset (screening, store, media, catalog, usage), for every
 * principal, on assets held in different networks; then the lists. A scoped
 * viewer (`desk`, news) sees an asset that originates in news or has a
 * replica there, and nothing else: 404 as for an asset that does not exist.
 * A viewer without canDownload (`nodl`) reads everything but content (403);
 * an operator without canModify (`roop`) does everything but edit metadata.
 */
const NETWORKS = ['broadcast', 'archive', 'news'];

const MORE = {
  desk: { role: 'viewer', networks: ['news'] },
  nodl: { role: 'viewer', canDownload: false },
  roop: { role: 'operator', canModify: false },
} satisfies Record<string, Omit<TokenEntry, 'sha256' | 'name'>>;
type Extra = keyof typeof MORE;
type Principal = Role | Extra;
const PRINCIPALS: Principal[] = ['admin', 'operator', 'auditor', 'viewer', 'connector', 'desk', 'nodl', 'roop'];
const isExtra = (p: Principal): p is Extra => p in MORE;
const roleOf = (p: Principal): Role => (isExtra(p) ? MORE[p].role : p);

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
interface RouteCase {
  roles: Role[];
  method?: 'POST' | 'PATCH';
  url: (id: string) => string;
  body?: object;
  /** The right the route needs beyond seeing the asset. */
  right?: 'download' | 'modify';
}
const READERS: Role[] = ['admin', 'operator', 'auditor', 'viewer'];
const ROUTES: Record<string, RouteCase> = {
  'GET asset': { roles: READERS, url: (id) => `/v1/assets/${id}` },
  'GET timeline': { roles: READERS, url: (id) => `/v1/assets/${id}/timeline` },
  'GET stream': { roles: READERS, url: (id) => `/v1/streams/asset-${id}` },
  'GET replicas': { roles: READERS, url: (id) => `/v1/assets/${id}/replicas` },
  'GET content': {
    roles: ['admin', 'operator', 'auditor', 'viewer', 'connector'],
    url: (id) => `/v1/assets/${id}/content`,
    right: 'download',
  },
  // Browse renditions are low quality: every reader that sees the asset views them, download right or not.
  'GET poster': { roles: READERS, url: (id) => `/v1/assets/${id}/poster` },
  'GET renditions': { roles: READERS, url: (id) => `/v1/assets/${id}/renditions` },
  'POST fetch into news': {
    roles: ['admin', 'operator', 'connector'],
    method: 'POST',
    url: (id) => `/v1/assets/${id}/fetch`,
    body: { network: 'news' },
  },
  'GET usage': { roles: READERS, url: (id) => `/v1/assets/${id}/usage` },
  'POST usage': {
    roles: ['admin', 'operator', 'viewer'],
    method: 'POST',
    url: (id) => `/v1/assets/${id}/usage`,
    body: { department: 'news desk', program: 'evening', where: 'studio 2' },
  },
  'PATCH metadata': {
    roles: ['admin', 'operator'],
    method: 'PATCH',
    url: (id) => `/v1/assets/${id}/metadata`,
    body: { title: 'Rights test', materialId: 'RT-1' },
    right: 'modify',
  },
};

/** What a principal should get: the guard's 403, then 404 for an asset outside its scope, then the right. */
function expected(p: Principal, route: string, asset: AssetName): number | 'ok' {
  const r = ROUTES[route]!;
  if (!r.roles.includes(roleOf(p))) return 403;
  const scoped = p === 'desk' || p === 'connector';
  if (r.right === 'download' && p === 'nodl') return 403;
  if (r.right === 'modify' && p === 'roop') return 403;
  if (scoped && !IN_NEWS.includes(asset)) return 404;
  return 'ok';
}

describe.each(['postgres', 'pglite'] as const)('routes × rights on %s', (kind) => {
  let gw: TestGateway;
  let runner: ProjectionRunner;
  let base: string;
  const tokens = Object.fromEntries(Object.keys(MORE).map((p) => [p, randomBytes(24).toString('base64url')])) as Record<
    Extra,
    string
  >;
  const ids = {} as Record<AssetName, string>;
  let second = 0;

  const headers = (p: Principal) => (isExtra(p) ? { authorization: `Bearer ${tokens[p]}` } : gw.as(p));
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
      await app.register(createCatalogService({ store, sql }).routes, opts);
      await app.register(createUsageService({ store, sql, networks: NETWORKS }).routes, opts);
      const transferCommands = { reprioritize: jest.fn(), pause: jest.fn(), resume: jest.fn(), cancel: jest.fn() };
      await app.register(
        transferRoutes({
          queries: createTransferQueries(sql),
          commands: { ...transferCommands, retry: jest.fn(), send: jest.fn() },
          progress: { read: async () => ({}) },
        }),
        opts,
      );
      const drop = { target: 'broadcast', sizeBytes: 1, state: 'detected' as const, waitingFor: 'settling' as const };
      const seenAt = '2026-12-02T10:00:00.000Z';
      const drops = (['news', 'archive'] as const).map((network) => ({
        ...drop,
        network,
        name: `${network}.mxf`,
        path: `drop/broadcast/${network}.mxf`,
        seenAt,
        waitingForSidecarUntil: null,
      }));
      await app.register(dropRoutes({ list: () => drops }), opts);
    };
    const more = (Object.keys(MORE) as Extra[]).map((name) => ({
      name,
      sha256: hashToken(tokens[name]),
      ...MORE[name],
    }));
    gw = await startTestGateway(kind, { routes: [routes] }, more);
    runner = createProjectionRunner({
      sql: gw.deps.sql,
      store: gw.store,
      projections: [
        assetsProjection,
        timelineProjection,
        storeProjection,
        mediaProjection,
        catalogProjection,
        usageProjection,
        transfersProjection,
      ],
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
      headers: { ...headers(p), ...(r.body ? { 'content-type': 'application/json' } : {}) },
      ...(r.body ? { payload: JSON.stringify(r.body) } : {}),
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
          got[key] = res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : res.statusCode;
          want[key] = expected(p, route, asset);
        }
    expect(got).toEqual(want);
  }, 120_000);

  test('a scoped viewer learns nothing: an asset it may not see answers as one that does not exist', async () => {
    const missing = uuidv7();
    for (const route of Object.keys(ROUTES).filter((r) => ROUTES[r]!.roles.includes('viewer'))) {
      const hidden = await call('desk', route, ids['archive only']);
      const absent = await call('desk', route, missing);
      expect(hidden.statusCode).toBe(404);
      expect(absent.statusCode).toBe(404);
      expect(hidden.json().error.message).toBe(`asset ${ids['archive only']} not found`);
      expect(absent.json().error.message).toBe(`asset ${missing} not found`);
    }
  });

  test('lists leave out what a scoped viewer may not see: search, search by name, the tree; a pick refuses it', async () => {
    const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name as AssetName]));
    const get = async (p: Principal, url: string) => (await gw.app.inject({ url, headers: headers(p) })).json();
    const ours = (found: string[]) => [...new Set(found.filter((id) => id in names).map((id) => names[id]))].sort();
    const searched = async (p: Principal, query = '') =>
      ours((await get(p, `/v1/assets?limit=100${query}`)).items.map((i: { assetId: string }) => i.assetId));
    type TreeJson = {
      networks: Array<{ months: Array<{ programmes: Array<{ items: Array<{ assetId: string }> }> }> }>;
    };
    const inTree = async (p: Principal, query = '') => {
      const tree: TreeJson = await get(p, `/v1/catalog/tree${query}`);
      return ours(
        tree.networks
          .flatMap((n) => n.months.flatMap((m) => m.programmes.flatMap((g) => g.items)))
          .map((i) => i.assetId),
      );
    };
    const inNews = [...IN_NEWS].sort();
    const every = (Object.keys(ASSETS) as AssetName[]).sort();

    expect(await searched('desk')).toEqual(inNews);
    expect(await searched('viewer')).toEqual(every);
    expect(await searched('desk', `&q=${ids['archive only']}`)).toEqual([]);
    expect(await searched('viewer', `&q=${ids['archive only']}`)).toEqual(['archive only']);
    expect(await searched('desk', '&network=archive')).toEqual(['archive to news', 'news to archive']);
    expect(await inTree('desk')).toEqual(inNews);
    expect(await inTree('desk', '?network=archive')).toEqual(['archive to news', 'news to archive']);
    expect(await inTree('viewer')).toEqual(every);

    const pick = await gw.app.inject({
      method: 'POST',
      url: '/v1/picks',
      headers: { ...headers('desk'), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'evening' }),
    });
    expect(pick.statusCode).toBe(201);
    const add = (asset: AssetName) =>
      gw.app.inject({
        method: 'POST',
        url: `/v1/picks/${pick.json().id}/items`,
        headers: { ...headers('desk'), 'content-type': 'application/json' },
        payload: JSON.stringify({ assetId: ids[asset] }),
      });
    expect((await add('archive only')).statusCode).toBe(404);
    expect((await add('archive to news')).json().items).toEqual([ids['archive to news']]);
  });

  test('the quarantine, transfers (and their streams) and drop board show a scoped viewer only what touches its networks', async () => {
    const appendTo = (stream: string, assetId: string, type: string, data: object) =>
      gw.store.append(stream, [event(assetId, type, data)], 'any');
    const quarantined: Record<string, string> = {};
    for (const network of ['news', 'archive']) {
      const assetId = (quarantined[network] = uuidv7());
      const stream = `asset-${assetId}`;
      await appendTo(stream, assetId, 'AssetDetected', {
        sourceNetwork: network,
        targets: ['broadcast'],
        originalName: 'evil.mxf',
        sizeBytes: 4,
      });
      const reason = 'an ELF executable';
      const quarantinePath = join(base, network, 'quarantine', 'evil.mxf');
      await appendTo(stream, assetId, 'AssetQuarantined', {
        stage: 'intrusion',
        rule: 'content.executable',
        reason,
        quarantinePath,
      });
    }
    const transfers: Record<string, string> = {};
    const sends: Array<[AssetName, string, string]> = [
      ['archive only', 'archive', 'broadcast'],
      ['archive to news', 'archive', 'news'],
      ['news pool', 'news', 'broadcast'],
    ];
    for (const [asset, sourceNetwork, targetNetwork] of sends) {
      const transferId = (transfers[asset] = uuidv7());
      await appendTo(`transfer-${transferId}`, ids[asset], 'TransferRequested', {
        transferId,
        sourceNetwork,
        targetNetwork,
        lane: 'normal',
        priority: 5,
        sizeBytes: 5,
        sha256: 'e'.repeat(64),
      });
    }
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();

    const get = (p: Principal, url: string) => gw.app.inject({ url, headers: headers(p) });
    const listed = async (p: Principal, url: string, key: string): Promise<string[]> =>
      ((await get(p, url)).json().items as Array<Record<string, string>>).map((i) => i[key]!).sort();
    expect(await listed('desk', '/v1/quarantine', 'assetId')).toEqual([quarantined.news]);
    expect(await listed('viewer', '/v1/quarantine', 'assetId')).toEqual(Object.values(quarantined).sort());
    const ofOurs = (found: string[]) => found.filter((id) => Object.values(transfers).includes(id)).sort();
    expect(ofOurs(await listed('desk', '/v1/transfers?limit=100', 'id'))).toEqual(
      [transfers['archive to news'], transfers['news pool']].sort(),
    );
    expect(ofOurs(await listed('viewer', '/v1/transfers?limit=100', 'id'))).toHaveLength(3);
    expect((await get('desk', `/v1/transfers/${transfers['archive to news']}`)).statusCode).toBe(200);
    const hidden = await get('desk', `/v1/transfers/${transfers['archive only']}`);
    expect(hidden.statusCode).toBe(404);
    const absentId = uuidv7();
    const absent = await get('desk', `/v1/transfers/${absentId}`);
    const unknown = (id: string) => `transfer ${id} does not exist (or the read model has not seen it yet)`;
    expect([hidden.json().error.message, absent.json().error.message]).toEqual([
      unknown(transfers['archive only']!),
      unknown(absentId),
    ]);
    expect((await get('viewer', `/v1/transfers/${transfers['archive only']}`)).statusCode).toBe(200);
    const stream = (p: Principal, asset: AssetName) => get(p, `/v1/streams/transfer-${transfers[asset]}`);
    expect((await stream('desk', 'archive to news')).statusCode).toBe(200);
    expect((await stream('desk', 'archive only')).json().error.message).toBe(
      `stream transfer-${transfers['archive only']} does not exist (no events were appended to it)`,
    );
    expect((await stream('viewer', 'archive only')).statusCode).toBe(200);
    expect(await listed('desk', '/v1/drops', 'network')).toEqual(['news']);
    expect(await listed('viewer', '/v1/drops', 'network')).toEqual(['archive', 'news']);
  });

  test('without canDownload, content is a 403 naming the right', async () => {
    const res = await call('nodl', 'GET content', ids['news pool']);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'MXHUB_ERR_FORBIDDEN' });
    expect(res.json().error.message).toMatch(/viewer "nodl" has no download right \(canDownload\)/);
  });
});
