import { ROLES, type Role } from '../../../services/gateway/auth';
import { createUsageFixture, MORE_USERS, type UsageFixture } from './usage-fixture';

/**
 * The usage service's routes on both profiles: route × role, a pick is its
 * owner's, what a send refuses, and a send answered by the store (live, as
 * the hub's consumer does) within the request.
 */
describe.each(['postgres', 'pglite'] as const)('picks and usage routes on %s', (kind) => {
  let fx: UsageFixture;
  let assetId: string;
  const as = (role: Role) => fx.gw.as(role);
  const ops2 = () => ({ authorization: `Bearer ${MORE_USERS.ops2}` });

  beforeAll(async () => {
    fx = await createUsageFixture(kind, { liveAnswerWaitMs: 30_000 });
    assetId = await fx.clearedAsset('clip.wav', 'news');
  }, 60_000);
  afterAll(() => fx?.dispose());

  const newPick = async (auth = as('operator'), items: string[] = [assetId]): Promise<string> => {
    const res = await fx.call('POST', '/v1/picks', auth, { name: 'p' });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    for (const item of items) await fx.call('POST', `/v1/picks/${id}/items`, auth, { assetId: item });
    return id;
  };

  test('every role on every route: allowed ones get through, the others a 403', async () => {
    const mark = { department: 'd', program: 'p', where: 'w' };
    const routes: Record<string, { allowed: Role[]; send: (r: Role) => ReturnType<UsageFixture['call']> }> = {
      'POST picks': {
        allowed: ['admin', 'operator', 'viewer'],
        send: (r) => fx.call('POST', '/v1/picks', as(r), { name: 'x' }),
      },
      'GET picks': { allowed: ['admin', 'operator', 'viewer'], send: (r) => fx.call('GET', '/v1/picks', as(r)) },
      'POST send': {
        allowed: ['admin', 'operator'],
        send: (r) => fx.call('POST', '/v1/picks/nope/send', as(r), { network: 'archive' }),
      },
      'POST usage': {
        allowed: ['admin', 'operator', 'viewer'],
        send: (r) => fx.call('POST', `/v1/assets/${assetId}/usage`, as(r), mark),
      },
      'GET usage': {
        allowed: ['admin', 'operator', 'auditor', 'viewer'],
        send: (r) => fx.call('GET', `/v1/assets/${assetId}/usage`, as(r)),
      },
      'GET report': {
        allowed: ['admin', 'operator', 'auditor'],
        send: (r) => fx.call('GET', '/v1/reports/usage', as(r)),
      },
    };
    for (const [name, { allowed, send }] of Object.entries(routes)) {
      const through: Role[] = [];
      for (const role of ROLES) {
        const res = await send(role);
        if (res.statusCode !== 403) through.push(role);
        else expect(res.json().error.code).toBe('MXHUB_ERR_FORBIDDEN');
      }
      expect([name, through.sort()]).toEqual([name, [...allowed].sort()]);
    }
  });

  test('a pick is its owner’s: another user gets 404 on every route; an admin reads it and lists every pick', async () => {
    const id = await newPick();
    expect((await fx.call('GET', `/v1/picks/${id}`, ops2())).statusCode).toBe(404);
    expect((await fx.call('POST', `/v1/picks/${id}/items`, ops2(), { assetId })).statusCode).toBe(404);
    expect((await fx.call('DELETE', `/v1/picks/${id}/items/${assetId}`, ops2())).statusCode).toBe(404);
    expect((await fx.call('PATCH', `/v1/picks/${id}`, ops2(), { name: 'mine now' })).statusCode).toBe(404);
    expect((await fx.call('POST', `/v1/picks/${id}/send`, ops2(), { network: 'archive' })).statusCode).toBe(404);
    expect((await fx.call('DELETE', `/v1/picks/${id}`, ops2())).statusCode).toBe(404);
    expect((await fx.call('GET', `/v1/picks/${id}`, as('admin'))).json()).toMatchObject({
      id,
      owner: 'user:test-operator',
    });

    await fx.project();
    const own = (await fx.call('GET', '/v1/picks', ops2())).json();
    expect(own.items.map((p: { id: string }) => p.id)).not.toContain(id);
    const all = (await fx.call('GET', '/v1/picks?all=true', as('admin'))).json();
    expect(all.items.find((p: { id: string }) => p.id === id)).toMatchObject({ owner: 'user:test-operator', items: 1 });
    expect((await fx.call('GET', '/v1/picks?all=true', as('operator'))).statusCode).toBe(403);
  });

  test('items: an unknown asset is a 404; rename, remove an item, delete the pick', async () => {
    const id = await newPick(as('viewer'), []);
    expect((await fx.call('POST', `/v1/picks/${id}/items`, as('viewer'), { assetId: 'no-such' })).statusCode).toBe(404);
    const added = await fx.call('POST', `/v1/picks/${id}/items`, as('viewer'), { assetId });
    expect(added.json().items).toEqual([assetId]);
    const renamed = await fx.call('PATCH', `/v1/picks/${id}`, as('viewer'), { name: '晚间新闻' });
    expect(renamed.json()).toMatchObject({ name: '晚间新闻', items: [assetId] });
    expect((await fx.call('DELETE', `/v1/picks/${id}/items/${assetId}`, as('viewer'))).json().items).toEqual([]);
    expect((await fx.call('DELETE', `/v1/picks/${id}`, as('viewer'))).statusCode).toBe(204);
    expect((await fx.call('GET', `/v1/picks/${id}`, as('viewer'))).statusCode).toBe(404);
  });

  test('a send: an unknown network is a 400 naming it, an empty pick a 409', async () => {
    const id = await newPick();
    const bad = await fx.call('POST', `/v1/picks/${id}/send`, as('operator'), { network: 'mars' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^network: "mars"/);
    const empty = await newPick(as('operator'), []);
    const res = await fx.call('POST', `/v1/picks/${empty}/send`, as('operator'), { network: 'archive' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/empty/);
  });

  test('a send answers 202 with what the store made of each item', async () => {
    const id = await newPick();
    const res = await fx.call('POST', `/v1/picks/${id}/send`, as('operator'), { network: 'broadcast', lane: 'urgent' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      pickId: id,
      network: 'broadcast',
      lane: 'urgent',
      answered: true,
      items: [{ assetId, outcome: 'fetching', sourceNetwork: 'news', transferId: expect.any(String) }],
    });
    // Held where it is already: nothing moves.
    const again = await fx.call('POST', `/v1/picks/${id}/send`, as('operator'), { network: 'news' });
    expect(again.json().items).toEqual([{ assetId, outcome: 'held' }]);
  });
});
