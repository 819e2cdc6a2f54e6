import pino from 'pino';
import { assetDecider } from '../../../domain/asset/decide';
import type { StoredEvent } from '../../../events/envelope';
import { handleCommand } from '../../../events/handle-command';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import type { GatewayRoutes } from '../../../services/gateway/deps';
import { startTestGateway, type TestGateway } from '../../../services/gateway/testing/gateway-fixture';
import { createSubscriptionCommands } from '../../../services/store/subscriptions/commands';
import {
  createSubscriptionMatcher,
  type SubscriptionMatcher,
} from '../../../services/store/subscriptions/process-manager';
import { createSubscriptionQueries } from '../../../services/store/subscriptions/read-model/queries';
import { subscriptionRoutes } from '../../../services/store/subscriptions/routes/subscriptions';
import { transferIdFor } from '../../../services/transfer/domain/request';
import { createTransferRequester, type TransferRequester } from '../../../services/transfer/requests';
import { settled } from '../../support/settle';

const NETWORKS = ['news', 'broadcast', 'archive'];
const logger = pino({ level: 'silent' });
type Role = 'admin' | 'operator' | 'auditor' | 'viewer' | 'connector';

/**
 * Subscriptions through the API and the events, on both profiles: the
 * subscriptions' process manager and the transfer requester are fed the log
 * in order, as their backbone consumers would be.
 */
describe.each(['postgres', 'pglite'] as const)('subscriptions on %s', (kind) => {
  let gw: TestGateway;
  let runner: ProjectionRunner;
  let matcher: SubscriptionMatcher;
  let requester: TransferRequester;
  let fed = 0n;

  beforeAll(async () => {
    const routes: GatewayRoutes = async (app, opts) => {
      const queries = createSubscriptionQueries(opts.deps.sql);
      matcher = createSubscriptionMatcher({ store: opts.deps.store, queries, logger });
      const commands = createSubscriptionCommands({ store: opts.deps.store, networks: NETWORKS });
      await subscriptionRoutes({ queries, commands, matcher })(app, opts);
    };
    gw = await startTestGateway(kind, { routes: [routes] });
    requester = createTransferRequester({ store: gw.store, logger });
    runner = createProjectionRunner({ sql: gw.deps.sql, store: gw.store, projections: allProjections(), logger });
  });
  afterAll(() => gw.dispose());

  /**
   * Brings the read models to the last append. The head readers see can be
   * held back by any transaction open on the server (other test files), so
   * the position waited for is the table's, not `headPosition`.
   */
  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  /** Hands every new event to the matcher and the requester, until they append nothing more; then projects. */
  async function react(): Promise<void> {
    for (;;) {
      await project();
      const events = await gw.store.readAll({ after: fed });
      if (events.length === 0) return;
      for (const e of events) {
        await matcher.handle(e);
        await requester.handle(e);
        fed = e.position;
      }
    }
  }

  const call = (method: string, url: string, role: Role = 'admin', body?: object) =>
    gw.request({
      method,
      url,
      headers: { ...gw.as(role), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  async function subscribe(body: object): Promise<string> {
    const res = await call('POST', '/v1/subscriptions', 'admin', body);
    expect(res.statusCode).toBe(201);
    await project();
    return res.json().id as string;
  }

  /** An asset dropped on `source` (into its pool unless targets are given), screened clean and cleared. */
  async function cleared(name: string, source = 'news', targets: string[] = []): Promise<string> {
    const assetId = uuidv7();
    const m = {
      correlationId: assetId,
      causationId: assetId,
      actor: `connector:${source}`,
      occurredAt: new Date().toISOString(),
    };
    await gw.store.append(
      `asset-${assetId}`,
      [
        {
          id: uuidv7(),
          type: 'AssetDetected',
          data: { assetId, sourceNetwork: source, targets, originalName: name, sizeBytes: 3 },
          metadata: m,
        },
        {
          id: uuidv7(),
          type: 'AssetIngested',
          data: { assetId, stagedPath: `/n/.mxhub/staging/${name}`, sizeBytes: 3, sha256: 'c'.repeat(64) },
          metadata: m,
        },
      ],
      'no_stream',
    );
    for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const) {
      const technical = stage === 'analysis' ? { durationSeconds: 2 } : undefined;
      const result = await handleCommand(
        gw.store,
        `asset-${assetId}`,
        assetDecider,
        { type: 'RecordVerdict', stage, verdict: { passed: true, ...(technical ? { technical } : {}) } },
        { actor: 'service:screening', now: new Date().toISOString(), newId: () => uuidv7() },
      );
      if (result.conflict) throw result.error;
    }
    return assetId;
  }

  const requested = async (assetId: string) =>
    (await gw.store.readAll({ types: ['TransferRequested'] }))
      .map(
        (e) => e.data as { assetId: string; targetNetwork: string; lane: string; priority: number; transferId: string },
      )
      .filter((d) => d.assetId === assetId);
  const matchesOn = async (assetId: string): Promise<StoredEvent[]> =>
    (await gw.store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'SubscriptionMatched');

  test('a wav cleared on news goes to broadcast by the subscription, an mp4 does not', async () => {
    const id = await subscribe({ network: 'broadcast', from: ['news'], match: { nameGlob: '*.wav' }, priority: 2 });
    const wav = await cleared('interview.wav');
    const mp4 = await cleared('promo.mp4');
    await react();

    const [matched] = await matchesOn(wav);
    expect(matched).toMatchObject({
      data: { subscriptionId: id, assetId: wav, network: 'broadcast', priority: 2 },
      metadata: { actor: 'service:subscriptions', correlationId: wav },
    });
    expect(await requested(wav)).toEqual([
      expect.objectContaining({
        targetNetwork: 'broadcast',
        priority: 2,
        lane: 'urgent',
        transferId: transferIdFor(wav, 'broadcast'),
      }),
    ]);
    // The transfer is caused by the match, the match by the clearance.
    const [transfer] = await gw.store.readStream(`transfer-${transferIdFor(wav, 'broadcast')}`);
    expect(transfer!.metadata.causationId).toBe(matched!.id);
    expect(await matchesOn(mp4)).toEqual([]);
    expect(await requested(mp4)).toEqual([]);

    const listed = await call('GET', `/v1/subscriptions/${id}`, 'viewer');
    expect(listed.json()).toMatchObject({ id, network: 'broadcast', matches: 1, enabled: true });
    await call('DELETE', `/v1/subscriptions/${id}`);
  });

  test('an asset already targeted at broadcast, or matched by two subscriptions, is sent there once', async () => {
    const a = await subscribe({ network: 'broadcast', match: { types: ['mxf'] } });
    const b = await subscribe({ network: 'broadcast', match: { sidecar: {}, minDurationSeconds: 1 } });
    const targeted = await cleared('news-open.mxf', 'news', ['broadcast']);
    await react();
    expect(
      (await matchesOn(targeted)).map((e) => (e.data as { subscriptionId: string }).subscriptionId).sort(),
    ).toEqual([a, b].sort());
    expect((await requested(targeted)).map((t) => t.targetNetwork)).toEqual(['broadcast']);
    // A redelivered AssetCleared records nothing more.
    const clearedEvent = (await gw.store.readStream(`asset-${targeted}`)).find((e) => e.type === 'AssetCleared')!;
    await matcher.handle(clearedEvent);
    expect(await matchesOn(targeted)).toHaveLength(2);
    await call('DELETE', `/v1/subscriptions/${a}`);
    await call('DELETE', `/v1/subscriptions/${b}`);
  });

  test('backfill sends the earlier matching assets, once however often it runs', async () => {
    const since = new Date().toISOString();
    const earlier = [
      await cleared('a.wav', 'broadcast'),
      await cleared('b.wav', 'news'),
      await cleared('c.mp4', 'news'),
    ];
    await react();
    const id = await subscribe({ network: 'archive', match: { types: ['wav'] }, lane: 'urgent', priority: 7 });
    expect(await requested(earlier[0]!)).toEqual([]);

    const res = await call('POST', `/v1/subscriptions/${id}/backfill`, 'admin', { since });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ subscriptionId: id, since, examined: 3, matched: 2 });
    await react();
    for (const assetId of earlier.slice(0, 2)) {
      expect(await requested(assetId)).toEqual([
        expect.objectContaining({ targetNetwork: 'archive', lane: 'urgent', priority: 7 }),
      ]);
      expect((await matchesOn(assetId))[0]).toMatchObject({
        data: { backfill: true },
        metadata: { actor: 'user:test-admin' },
      });
    }
    expect(await requested(earlier[2]!)).toEqual([]);

    const again = await call('POST', `/v1/subscriptions/${id}/backfill`, 'admin', { since });
    expect(again.json()).toMatchObject({ examined: 3, matched: 0 });
    const future = await call('POST', `/v1/subscriptions/${id}/backfill`, 'admin', { since: '2999-01-01T00:00:00Z' });
    expect(future.json()).toMatchObject({ examined: 0, matched: 0 });
    await call('DELETE', `/v1/subscriptions/${id}`);
  });

  test('the sweep at start finds an asset whose AssetCleared a crash cut off, not one cleared before the rule', async () => {
    const before = await cleared('early.mov');
    await react();
    const id = await subscribe({ network: 'archive', match: { types: ['mov'] } });
    const lost = await cleared('late.mov');
    // Projected, but never handed to the matcher: as if the process died before its consumer ran.
    await project();
    fed = (await gw.store.readAll({ after: fed })).at(-1)?.position ?? fed;
    expect(await matcher.sweep(3_600_000)).toBe(1);
    expect(await matchesOn(lost)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ subscriptionId: id, network: 'archive' }) }),
    ]);
    expect(await matchesOn(before)).toEqual([]);
    expect(await matcher.sweep(3_600_000)).toBe(0);
    await react();
    await call('DELETE', `/v1/subscriptions/${id}`);
  });

  test('a disabled subscription takes nothing until enabled; PATCH changes the rule; If-Match guards it', async () => {
    const id = await subscribe({ network: 'broadcast', match: { types: ['png'] }, enabled: false });
    const off = await cleared('still.png');
    await react();
    expect(await matchesOn(off)).toEqual([]);

    const stale = await gw.request({
      method: 'PATCH',
      url: `/v1/subscriptions/${id}`,
      headers: { ...gw.as('admin'), 'content-type': 'application/json', 'if-match': '7' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(stale.statusCode).toBe(412);
    const on = await call('PATCH', `/v1/subscriptions/${id}`, 'admin', {
      enabled: true,
      match: { types: ['png', 'jpg'] },
    });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ id, enabled: true, match: { types: ['png', 'jpg'] }, version: 3 });
    const next = await cleared('still-2.jpg');
    await react();
    expect(await matchesOn(next)).toHaveLength(1);
    const removed = await call('DELETE', `/v1/subscriptions/${id}`);
    expect(removed.statusCode).toBe(200);
    await project();
    expect((await call('GET', `/v1/subscriptions/${id}`)).statusCode).toBe(404);
    expect((await call('PATCH', `/v1/subscriptions/${id}`, 'admin', { enabled: false })).statusCode).toBe(409);
  });

  test('bad input: 400 naming the field (malformed glob, unknown network, unknown sidecar field, extra key)', async () => {
    const field = async (body: object) => {
      const res = await call('POST', '/v1/subscriptions', 'admin', body);
      expect(res.statusCode).toBe(400);
      return res.json().error.message as string;
    };
    expect(await field({ network: 'broadcast', match: { nameGlob: '*.[wav' } })).toMatch(
      /^match\.nameGlob: not a valid glob/,
    );
    expect(await field({ network: 'mars' })).toMatch(/^network: network 'mars' is not configured/);
    expect(await field({ network: 'broadcast', from: ['news', 'moon'] })).toMatch(/^from\[1\]/);
    expect(await field({ network: 'broadcast', match: { sidecar: { colour: 'red' } } })).toMatch(
      /match\.sidecar\.colour/,
    );
    expect(await field({ network: 'broadcast', match: { sidecar: { title: '{a' } } })).toMatch(/match\.sidecar\.title/);
    expect(await field({ network: 'broadcast', match: { glob: '*' } })).toMatch(/glob/);
    expect(await field({ network: 'broadcast', match: { types: ['.WAV'] } })).toMatch(/types/);
    const backfill = await call('POST', `/v1/subscriptions/${uuidv7()}/backfill`, 'admin', { since: 'yesterday' });
    expect(backfill.statusCode).toBe(400);
    expect(backfill.json().error.message).toMatch(/since/);
  });

  test('lists page as {items, next}; readers read, only admins change (route × role)', async () => {
    const ids = [
      await subscribe({ network: 'archive', match: { types: ['mxf'] } }),
      await subscribe({ network: 'archive', match: { types: ['mov'] } }),
    ];
    const docs = (await gw.request({ url: '/docs/json' })).json() as { paths: Record<string, object> };
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining(['/v1/subscriptions', '/v1/subscriptions/{id}', '/v1/subscriptions/{id}/backfill']),
    );
    const first = await call('GET', '/v1/subscriptions?limit=1&network=archive', 'operator');
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(1);
    expect(first.json().next).toEqual(expect.any(String));
    const second = await call(
      'GET',
      `/v1/subscriptions?limit=1&network=archive&cursor=${first.json().next}`,
      'auditor',
    );
    expect([first.json().items[0].id, second.json().items[0].id].sort()).toEqual([...ids].sort());

    const id = ids[0]!;
    const writes: Array<[string, string, object?]> = [
      ['POST', '/v1/subscriptions', { network: 'archive' }],
      ['PATCH', `/v1/subscriptions/${id}`, { enabled: false }],
      ['DELETE', `/v1/subscriptions/${id}`],
      ['POST', `/v1/subscriptions/${id}/backfill`, { since: new Date().toISOString() }],
    ];
    for (const role of ['operator', 'auditor', 'viewer', 'connector'] as const) {
      for (const [method, url, body] of writes) {
        expect({ role, method, url, status: (await call(method, url, role, body)).statusCode }).toEqual({
          role,
          method,
          url,
          status: 403,
        });
      }
    }
    for (const role of ['operator', 'auditor', 'viewer'] as const) {
      expect((await call('GET', '/v1/subscriptions', role)).statusCode).toBe(200);
      expect((await call('GET', `/v1/subscriptions/${id}`, role)).statusCode).toBe(200);
    }
    for (const url of ['/v1/subscriptions', `/v1/subscriptions/${id}`]) {
      expect((await call('GET', url, 'connector')).statusCode).toBe(403);
    }
    // Admins do all of it: make one, backfill, disable, then remove.
    for (const [method, url, body] of [writes[0]!, writes[3]!, writes[1]!, writes[2]!]) {
      expect({ method, url, status: (await call(method, url, 'admin', body)).statusCode }).toEqual({
        method,
        url,
        status: method === 'POST' && url === '/v1/subscriptions' ? 201 : 200,
      });
    }
  });
});
