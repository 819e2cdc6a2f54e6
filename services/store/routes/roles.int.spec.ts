import { ROLES, type Role } from '../../gateway/auth';
import { createStoreFixture, type StoreFixture } from '../testing/store-fixture';

/**
 * Route × role for the store's routes (issue 13 item 7): readers see
 * replicas; every role that may download reads content (a connector for its
 * own network, news); operators and admins fetch, a connector into its own
 * network only. 403 is the guard's or the network check's; any other
 * answer means the role got through.
 */
describe.each(['postgres', 'pglite'] as const)('store routes × roles on %s', (kind) => {
  let fx: StoreFixture;
  let assetId: string;

  beforeAll(async () => {
    fx = await createStoreFixture(kind);
    ({ assetId } = await fx.clearedAsset('clip.wav', Buffer.from('RIFF....WAVE')));
  }, 60_000);
  afterAll(async () => {
    await fx?.dispose();
  });

  const call = (role: Role, method: 'GET' | 'POST', url: string, body?: object) =>
    fx.gw.app.inject({
      method,
      url,
      headers: { ...fx.gw.as(role), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });

  const routes = () => ({
    'GET replicas': (r: Role) => call(r, 'GET', `/v1/assets/${assetId}/replicas`),
    'GET content for news': (r: Role) => call(r, 'GET', `/v1/assets/${assetId}/content?network=news`),
    'GET content for archive': (r: Role) => call(r, 'GET', `/v1/assets/${assetId}/content?network=archive`),
    'POST fetch into news': (r: Role) => call(r, 'POST', `/v1/assets/${assetId}/fetch`, { network: 'news' }),
    'POST fetch into archive': (r: Role) => call(r, 'POST', `/v1/assets/${assetId}/fetch`, { network: 'archive' }),
  });

  const allowed: Record<string, readonly Role[]> = {
    'GET replicas': ['admin', 'operator', 'auditor', 'viewer'],
    'GET content for news': ['admin', 'operator', 'auditor', 'viewer', 'connector'],
    'GET content for archive': ['admin', 'operator', 'auditor', 'viewer'],
    'POST fetch into news': ['admin', 'operator', 'connector'],
    'POST fetch into archive': ['admin', 'operator'],
  };

  test('every role on every route: allowed ones get through, the others a 403', async () => {
    const seen: Record<string, Role[]> = {};
    for (const [name, send] of Object.entries(routes())) {
      seen[name] = [];
      for (const role of ROLES) {
        const res = await send(role);
        if (res.statusCode !== 403) seen[name].push(role);
        else expect(res.json().error.code).toBe('MXHUB_ERR_FORBIDDEN');
      }
    }
    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v].sort()]))).toEqual(
      Object.fromEntries(Object.entries(allowed).map(([k, v]) => [k, [...v].sort()])),
    );
  });

  test('the routes are in the OpenAPI document', async () => {
    const doc = (await fx.gw.request({ url: '/docs/json' })).json();
    for (const path of ['/v1/assets/{assetId}/replicas', '/v1/assets/{assetId}/content', '/v1/assets/{assetId}/fetch'])
      expect(doc.paths).toHaveProperty([path]);
  });
});
