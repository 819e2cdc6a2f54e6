import { uuidv7 } from '../../lib/ids';
import { detected } from '../../test/support/events';
import { buildGateway } from './app';
import { ROLES, type Role } from './auth';
import type { GatewayRoutes } from './deps';
import type { RouteEntry } from './plugins/auth-guard';
import { startTestGateway, type TestGateway, type TestRequest } from './testing/gateway-fixture';

let gw: TestGateway;
const streamId = `asset-${uuidv7()}`;

beforeAll(async () => {
  gw = await startTestGateway('postgres');
  await gw.store.append(streamId, [detected(streamId)]);
});
afterAll(() => gw.dispose());

// Walks the guard's own route table, so a route added by a later plugin is
// covered without touching this file. Path parameters get a stream that exists.
const guarded = () =>
  gw.app.gatewayRoutes.filter((r): r is RouteEntry & { access: { roles: Role[] } } => 'roles' in r.access);
const request = (r: RouteEntry, headers: Record<string, string> = {}): TestRequest => ({
  method: r.method,
  url: r.url.replace(/:[A-Za-z]+/g, streamId),
  headers,
});

test('the guard knows the v1 routes, and every /v1 route declares roles', () => {
  const routes = gw.app.gatewayRoutes.map((r) => `${r.method} ${r.url}`);
  expect(routes).toEqual(expect.arrayContaining(['GET /v1/events', 'GET /v1/streams/:id', 'GET /health/ready']));
  for (const r of gw.app.gatewayRoutes.filter((e) => e.url.startsWith('/v1'))) expect(r.access).toHaveProperty('roles');
});

test('no token: 401 with a Bearer challenge on every guarded route', async () => {
  for (const r of guarded()) {
    const res = await gw.request(request(r));
    expect({ route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({
      route: `${r.method} ${r.url}`,
      status: 401,
    });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="mxhub"');
    if (r.method !== 'HEAD') expect(res.json().error.code).toBe('MXHUB_ERR_UNAUTHENTICATED');
  }
});

test('an unknown, malformed or non-bearer credential: 401 invalid_token on every guarded route', async () => {
  const bad = [
    'Bearer not-a-known-token',
    'Bearer two words',
    `Basic ${Buffer.from('admin:x').toString('base64')}`,
    'Bearer',
  ];
  for (const r of guarded()) {
    for (const authorization of bad) {
      const res = await gw.request(request(r, { authorization }));
      expect({ route: `${r.method} ${r.url}`, authorization, status: res.statusCode }).toMatchObject({ status: 401 });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="mxhub", error="invalid_token"');
    }
  }
});

test('a valid token of a role the route does not admit: 403 on every route', async () => {
  let checked = 0;
  for (const r of guarded()) {
    for (const role of ROLES.filter((x) => !r.access.roles.includes(x))) {
      const res = await gw.request(request(r, gw.as(role)));
      expect({ route: `${r.method} ${r.url}`, role, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        role,
        status: 403,
      });
      if (r.method !== 'HEAD') expect(res.json().error.message).toContain(`role ${role} may not call`);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
});

test('an admitted role gets through on every route (200 for every GET)', async () => {
  // The live stream never ends by itself: routes/live.int.spec.ts checks who may open it.
  for (const r of guarded().filter((x) => x.url !== '/v1/stream')) {
    for (const role of r.access.roles) {
      const res = await gw.request(request(r, gw.as(role)));
      const expected = r.method === 'GET' || r.method === 'HEAD' ? 200 : res.statusCode;
      expect({ route: `${r.method} ${r.url}`, role, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        role,
        status: expected,
      });
      expect([401, 403]).not.toContain(res.statusCode);
    }
  }
});

test('the bearer scheme is case-insensitive, the token is not', async () => {
  expect(
    (await gw.request({ url: '/v1/events', headers: { authorization: `bearer ${gw.tokens.admin}` } })).statusCode,
  ).toBe(200);
  const upper =
    gw.tokens.admin.toUpperCase() === gw.tokens.admin ? `${gw.tokens.admin}x` : gw.tokens.admin.toUpperCase();
  expect((await gw.request({ url: '/v1/events', headers: { authorization: `Bearer ${upper}` } })).statusCode).toBe(401);
});

test('health, metrics and the docs answer without a token', async () => {
  for (const url of ['/health/live', '/health/ready', '/metrics', '/docs/json', '/docs']) {
    const res = await gw.request({ url });
    expect({ url, status: res.statusCode < 400 }).toEqual({ url, status: true });
  }
});

describe('routes that do not declare who may call them', () => {
  const cases: Record<string, GatewayRoutes> = {
    'no roles': async (app) => void app.get('/loose', async () => 'x'),
    'empty roles': async (app) => void app.get('/loose', { config: { roles: [] } }, async () => 'x'),
    'an unknown role': async (app) => void app.get('/loose', { config: { roles: ['root' as Role] } }, async () => 'x'),
    'both roles and public': async (app) =>
      void app.get('/loose', { config: { roles: ['admin'], public: 'why' } }, async () => 'x'),
  };
  test.each(Object.entries(cases))('%s: the gateway refuses to start', async (_name, plugin) => {
    const app = buildGateway(gw.deps, { routes: [plugin] });
    await expect(app.ready()).rejects.toThrow(/route GET \/v1\/loose must declare config.roles/);
    await app.close();
  });
});
