import pino from 'pino';
import { Registry } from 'prom-client';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import type { EventStore } from '../../events/store/event-store';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { buildGateway, type Gateway } from '../gateway/app';

type App = Pick<Gateway, 'inject' | 'close'>;
import { hashToken } from '../gateway/auth';
import type { GatewayDeps } from '../gateway/deps';
import { BAD_LOGIN } from './commands';
import { sha16 } from './login-failures';
import { createUsersService } from './service';

const ADMIN = 'admin-bearer-token-for-tests';
const admin = { authorization: `Bearer ${ADMIN}` };
const SECRET = 'x'.repeat(40);

describe.each(['postgres', 'pglite'] as const)('users on %s', (kind) => {
  let t: TestSql;
  let store: EventStore;
  let now = new Date('2026-12-04T10:00:00Z');
  const clock = () => now;
  const gateways: App[] = [];

  let lastService: ReturnType<typeof createUsersService> | undefined;
  async function hub(): Promise<App> {
    const users = (lastService = createUsersService({
      store,
      sql: t.sql,
      sessionSecret: SECRET,
      clock,
      lockout: { maxFailures: 3, perAddressMaxFailures: 50, windowSeconds: 900, lockSeconds: 900 },
      session: { idleMinutes: 30, absoluteHours: 12 },
    }));
    const deps: GatewayDeps = {
      store,
      sql: t.sql,
      logger: pino({ level: 'silent' }),
      metrics: new Registry(),
      auth: { tokens: [{ name: 'admin', role: 'admin', sha256: hashToken(ADMIN) }] },
      health: { ready: async () => ({ ready: true, checks: {} }) },
      users: users.auth,
    };
    const app = buildGateway(deps, { routes: [users.routes] });
    await app.ready();
    gateways.push(app);
    return app;
  }

  beforeAll(async () => {
    t = await createTestSql(kind);
    store = kind === 'postgres' ? createPostgresEventStore(t.sql) : createPGliteEventStore(t.sql);
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await store.close();
    await t.dispose();
  });

  const cookieOf = (res: { headers: Record<string, unknown> }) => {
    const set = res.headers['set-cookie'];
    const line = (Array.isArray(set) ? set : [set]).find((c) => String(c).startsWith('mxhub_session='));
    return String(line).split(';')[0]!;
  };

  async function createUser(app: App, body: Record<string, unknown>) {
    const res = await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: body });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  async function login(app: App, username: string, password: string, ip = '10.0.0.1') {
    return app.inject({ method: 'POST', url: '/v1/session', payload: { username, password }, remoteAddress: ip });
  }

  test('login, session, CSRF, logout; events name user:<username>', async () => {
    const app = await hub();
    const ana = await createUser(app, { username: 'ana', password: 'correct horse', role: 'operator' });
    expect(ana).toMatchObject({
      username: 'ana',
      role: 'operator',
      canDownload: true,
      canModify: true,
      disabled: false,
    });
    const res = await login(app, 'ana', 'correct horse');
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = cookieOf(res);
    const { csrfToken, user } = res.json();
    expect(user.username).toBe('ana');
    const who = await app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    expect(who.statusCode).toBe(200);
    expect(who.json().csrfToken).toBe(csrfToken);
    // A write with the cookie and no CSRF header is refused; with it, it passes.
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { cookie },
      payload: { name: 'ci' },
    });
    expect(noCsrf.statusCode).toBe(403);
    const withCsrf = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { name: 'ci' },
    });
    expect(withCsrf.statusCode).toBe(201);
    const events = await store.readStream(`user-${ana.id}`);
    expect(events.map((e) => e.type)).toEqual(['UserCreated', 'PasswordChanged', 'UserLoggedIn', 'TokenIssued']);
    expect(events.at(-1)!.metadata.actor).toBe('user:ana');
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/argon2/);
    const out = await app.inject({
      method: 'DELETE',
      url: '/v1/session',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
  });

  test('unknown user, wrong password and disabled user get the same answer; each is recorded', async () => {
    const app = await hub();
    const bob = await createUser(app, { username: 'bob', password: 'bob password', role: 'viewer' });
    await createUser(app, { username: 'cy', password: 'cy password', role: 'viewer' });
    await app.inject({ method: 'PATCH', url: `/v1/users/${bob.id}`, headers: admin, payload: { disabled: true } });
    const answers = [
      await login(app, 'nobody', 'whatever1', '10.0.1.1'),
      await login(app, 'cy', 'wrong password', '10.0.1.2'),
      await login(app, 'bob', 'bob password', '10.0.1.3'),
    ];
    for (const a of answers) {
      expect(a.statusCode).toBe(401);
      expect(a.json().error.message).toBe(BAD_LOGIN);
    }
    const unknown = await store.readStream(`login-${sha16('nobody')}`);
    expect(unknown.map((e) => [e.type, (e.data as { reason: string }).reason])).toEqual([
      ['LoginFailed', 'unknown-user'],
    ]);
    expect((await store.readStream(`user-${bob.id}`)).map((e) => e.type)).toContain('LoginFailed');
  });

  test('lockout after maxFailures holds across two hubs on one database; 429 with Retry-After', async () => {
    const one = await hub();
    const two = await hub();
    await createUser(one, { username: 'dee', password: 'dee password', role: 'viewer' });
    expect((await login(one, 'dee', 'bad one 1', '10.0.2.1')).statusCode).toBe(401);
    expect((await login(two, 'dee', 'bad one 2', '10.0.2.2')).statusCode).toBe(401);
    expect((await login(one, 'dee', 'bad one 3', '10.0.2.3')).statusCode).toBe(401);
    const locked = await login(two, 'dee', 'dee password', '10.0.2.4');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    now = new Date(now.getTime() + 901_000);
    expect((await login(two, 'dee', 'dee password', '10.0.2.4')).statusCode).toBe(200);
  });

  test('idle and absolute timeouts', async () => {
    const app = await hub();
    await createUser(app, { username: 'eve', password: 'eve password', role: 'viewer' });
    const cookie = cookieOf(await login(app, 'eve', 'eve password', '10.0.3.1'));
    now = new Date(now.getTime() + 29 * 60_000);
    expect((await app.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(200);
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await app.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);

    const cookie2 = cookieOf(await login(app, 'eve', 'eve password', '10.0.3.1'));
    for (let i = 0; i < 25; i++) {
      now = new Date(now.getTime() + 29 * 60_000);
      const res = await app.inject({ url: '/v1/session', headers: { cookie: cookie2 } });
      expect({ i, status: res.statusCode }).toEqual({ i, status: i < 24 ? 200 : 401 });
    }
  });

  test('too many failures from one address lock it for every name, on record as AddressLockedOut', async () => {
    const app = await hub();
    await createUser(app, { username: 'ida', password: 'ida password', role: 'viewer' });
    const ip = '10.0.6.6';
    // perAddressMaxFailures is 50: names nobody has, so no user's own counter gets there first.
    for (let i = 0; i < 50; i++) expect((await login(app, `nobody${i}`, 'guess', ip)).statusCode).toBe(401);
    const refused = await login(app, 'ida', 'ida password', ip);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(app, 'ida', 'ida password', '10.0.6.7')).statusCode).toBe(200);
    const [event] = await store.readStream(`login-${sha16(`addr:${ip}`)}`);
    expect(event).toMatchObject({ type: 'AddressLockedOut', data: { address: ip }, metadata: { actor: 'anonymous' } });
  });

  test('reconcile rewrites a users row left behind its stream (a crash between the append and the write)', async () => {
    const app = await hub();
    const jo = await createUser(app, { username: 'jo', password: 'jo password', role: 'operator' });
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/users/${jo.id}`,
      headers: admin,
      payload: { disabled: true },
    });
    expect(patched.statusCode).toBe(200);
    // The row as if the hub died after UserDisabled was appended and before the row was written.
    await t.sql.query('update users set disabled = false where user_id = $1', [jo.id]);
    // The guard reads the row: the user's sessions and tokens would still pass.
    expect((await lastService!.commands.repo.byId(jo.id))!.disabled).toBe(false);
    expect(await lastService!.commands.reconcile()).toBeGreaterThanOrEqual(1);
    expect((await lastService!.commands.repo.byId(jo.id))!.disabled).toBe(true);
    expect((await login(app, 'jo', 'jo password', '10.0.7.1')).statusCode).toBe(401);
  });

  test('the sweeper drops sessions that ran out and keeps live ones', async () => {
    const app = await hub();
    await createUser(app, { username: 'gus', password: 'gus password', role: 'viewer' });
    const count = async () => {
      const [row] = await t.sql.query<{ n: string }>(
        `select count(*) as n from user_sessions s join users u on u.user_id = s.user_id where u.username = 'gus'`,
      );
      return Number(row!.n);
    };
    await login(app, 'gus', 'gus password', '10.0.5.1');
    expect(await count()).toBe(1);
    now = new Date(now.getTime() + 31 * 60_000);
    const fresh = cookieOf(await login(app, 'gus', 'gus password', '10.0.5.1'));
    const sweeper = lastService!.sweepSessions(60_000);
    await sweeper.sweep();
    sweeper.stop();
    expect(await count()).toBe(1);
    expect((await app.inject({ url: '/v1/session', headers: { cookie: fresh } })).statusCode).toBe(200);
  });

  test('a role change or a disable holds from the next request', async () => {
    const app = await hub();
    const fay = await createUser(app, { username: 'fay', password: 'fay password', role: 'admin' });
    const cookie = cookieOf(await login(app, 'fay', 'fay password', '10.0.4.1'));
    expect((await app.inject({ url: '/v1/users', headers: { cookie } })).statusCode).toBe(200);
    // The login is on the user's stream too: If-Match takes the version read now.
    const version = (await app.inject({ url: `/v1/users/${fay.id}`, headers: admin })).json().version;
    expect(version).toBeGreaterThan(fay.version);
    const patch = await app.inject({
      method: 'PATCH',
      url: `/v1/users/${fay.id}`,
      headers: { ...admin, 'if-match': String(version) },
      payload: { role: 'viewer' },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ role: 'viewer', canModify: false });
    expect((await app.inject({ url: '/v1/users', headers: { cookie } })).statusCode).toBe(403);
    const stale = await app.inject({
      method: 'PATCH',
      url: `/v1/users/${fay.id}`,
      headers: { ...admin, 'if-match': String(version) },
      payload: { role: 'auditor' },
    });
    expect(stale.statusCode).toBe(412);
    await app.inject({ method: 'PATCH', url: `/v1/users/${fay.id}`, headers: admin, payload: { disabled: true } });
    expect((await app.inject({ url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
  });

  test('rights are checked by the token rules: a 400 naming the field', async () => {
    const app = await hub();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin,
      payload: { username: 'gus', password: 'gus password', role: 'viewer', canModify: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual({ field: 'canModify' });
  });

  test('personal tokens: rights never above the owner, expiry, revoke, owner disabled', async () => {
    const app = await hub();
    const hal = await createUser(app, {
      username: 'hal',
      password: 'hal password',
      role: 'viewer',
      networks: ['news'],
      canDownload: false,
    });
    const login1 = await login(app, 'hal', 'hal password', '10.0.5.1');
    const headers = { cookie: cookieOf(login1), 'x-csrf-token': login1.json().csrfToken };
    const tooMuch = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers,
      payload: { name: 'x', canDownload: true },
    });
    expect(tooMuch.statusCode).toBe(400);
    const wider = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers,
      payload: { name: 'x', networks: ['sport'] },
    });
    expect(wider.statusCode).toBe(400);
    const issued = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers,
      payload: { name: 'x', expiresInDays: 1 },
    });
    expect(issued.statusCode).toBe(201);
    const { token, id } = issued.json();
    const bearer = { authorization: `Bearer ${token}` };
    const list = await app.inject({ url: '/v1/tokens', headers: bearer });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual(
      [expect.objectContaining({ id, name: 'x', canDownload: false, networks: undefined })].map(() =>
        expect.objectContaining({ id }),
      ),
    );
    expect(JSON.stringify(list.json())).not.toContain(token);
    // Expiry.
    now = new Date(now.getTime() + 86_400_000 + 1000);
    expect((await app.inject({ url: '/v1/tokens', headers: bearer })).statusCode).toBe(401);
    now = new Date(now.getTime() - 86_400_000);
    // Owner disabled, then enabled again.
    await app.inject({ method: 'PATCH', url: `/v1/users/${hal.id}`, headers: admin, payload: { disabled: true } });
    expect((await app.inject({ url: '/v1/tokens', headers: bearer })).statusCode).toBe(401);
    await app.inject({ method: 'PATCH', url: `/v1/users/${hal.id}`, headers: admin, payload: { disabled: false } });
    expect((await app.inject({ url: '/v1/tokens', headers: bearer })).statusCode).toBe(200);
    // Revoke.
    const del = await app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: bearer });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ url: '/v1/tokens', headers: bearer })).statusCode).toBe(401);
  });
});
