import pino from 'pino';
import type { NewEvent } from '../../events/envelope';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../../events/projections';
import { uuidv7 } from '../../lib/ids';
import { settled } from '../../test/support/settle';
import type { GatewayRoutes } from '../gateway/deps';
import { startTestGateway, type TestGateway } from '../gateway/testing/gateway-fixture';
import { handleCommand } from '../../events/handle-command';
import { assetDecider } from '../../domain/asset/decide';
import { transferIdFor } from './domain/request';
import { createTransferCommands } from './commands';
import { transferDecider, type TransferCommand } from './domain/decide';
import type { Lane } from './domain/transfer';
import { createInProcessProgressBoard } from './progress';
import { createTransferQueries } from './read-model/queries';
import { createTransferRoutes } from './routes';

const SHA = 'd'.repeat(64);
const NETWORKS = ['news', 'broadcast', 'archive'];
const MB = 1_000_000;

/** A cursor as a client could forge one: (time, id) in the API's encoding. */
const crafted = (at: string, id = uuidv7()) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

describe('transfer routes: /v1/transfers, /v1/lanes, /v1/networks, /v1/assets/{id}/transfers', () => {
  let gw: TestGateway;
  let runner: ProjectionRunner;
  const progress = createInProcessProgressBoard();
  const sharedAsset = uuidv7();
  const clearedAsset = uuidv7();
  const names = [
    'old',
    'succeeded',
    'failed',
    'cancelled',
    'queuedNormal',
    'queuedUrgent',
    'running',
    'paused',
    'reorder',
    'pauseMe',
    'cancelMe',
    'retryMe',
  ] as const;
  const ids = Object.fromEntries(names.map((n) => [n, uuidv7()])) as Record<(typeof names)[number], string>;

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  /** Appends what the transfer's `decide` makes of `command` at `now`. */
  async function step(id: string, command: TransferCommand, now: string, actor = 'service:transfer') {
    const result = await handleCommand(gw.store, `transfer-${id}`, transferDecider, command, {
      actor,
      now,
      newId: () => uuidv7(),
    });
    if (result.conflict) throw result.error;
  }

  /** A transfer requested at `day`/`minute` (November 2026 unless `day` says otherwise), then driven by `commands`. */
  async function seed(
    id: string,
    o: { at: string; target: string; lane: Lane; priority: number; assetId?: string; then?: TransferCommand[] },
  ): Promise<void> {
    const requested: NewEvent = {
      id: uuidv7(),
      type: 'TransferRequested',
      data: {
        transferId: id,
        assetId: o.assetId ?? uuidv7(),
        sourceNetwork: 'news',
        targetNetwork: o.target,
        lane: o.lane,
        priority: o.priority,
        sizeBytes: 4 * MB,
        sha256: SHA,
      },
      metadata: { correlationId: id, causationId: id, actor: 'service:screening', occurredAt: o.at },
    };
    await gw.store.append(`transfer-${id}`, [requested], 'no_stream');
    for (const c of o.then ?? []) await step(id, c, o.at);
  }

  const start: TransferCommand = { type: 'Start', channel: 'normal-1', worker: 'w1', resumeFrom: 0 };
  const reserve: TransferCommand = { type: 'RecordReserved', bytes: 4 * MB, tempPath: '/t/.part' };
  const complete: TransferCommand[] = [
    start,
    reserve,
    { type: 'RecordVerified', sha256: SHA, bytes: 4 * MB },
    { type: 'RecordCommitted', path: '/nodes/archive/inbox/clip.mxf' },
    { type: 'Complete', path: '/nodes/archive/inbox/clip.mxf', sha256: SHA, bytes: 4 * MB, durationMs: 2000 },
  ];
  const fail: TransferCommand[] = [start, { type: 'Fail', reason: 'target disk full', retryable: false, step: 'copy' }];

  /** A cleared asset from `news` for `broadcast`, as screening leaves it. */
  async function seedClearedAsset(assetId: string): Promise<void> {
    const meta = (occurredAt: string) => ({
      correlationId: assetId,
      causationId: assetId,
      actor: 'connector:news',
      occurredAt,
    });
    await gw.store.append(
      `asset-${assetId}`,
      [
        {
          id: uuidv7(),
          type: 'AssetDetected',
          data: { assetId, sourceNetwork: 'news', targets: ['broadcast'], originalName: 'clip.mxf', sizeBytes: 11 },
          metadata: meta('2026-11-22T09:00:00.000Z'),
        },
        {
          id: uuidv7(),
          type: 'AssetIngested',
          data: { assetId, stagedPath: '/staging/clip.mxf', sizeBytes: 11, sha256: SHA },
          metadata: meta('2026-11-22T09:00:01.000Z'),
        },
      ],
      'no_stream',
    );
    for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const) {
      await handleCommand(
        gw.store,
        `asset-${assetId}`,
        assetDecider,
        {
          type: 'RecordVerdict',
          stage,
          verdict: { passed: true },
        },
        { actor: 'service:screening', now: '2026-11-22T09:00:02.000Z', newId: () => uuidv7() },
      );
    }
  }

  beforeAll(async () => {
    const routes: GatewayRoutes = async (app, opts) => {
      const plugin = createTransferRoutes({
        queries: createTransferQueries(opts.deps.sql, { historyDays: 90 }),
        commands: createTransferCommands({ store: opts.deps.store, progress, networks: NETWORKS }),
        progress,
        lanes: () => ({ urgent: { channels: 4, busy: 1 }, normal: { channels: 12, busy: 3 } }),
        controls: { channels: () => ({ urgent: 4, normal: 12 }) },
        networks: NETWORKS,
      });
      await plugin(app, opts);
    };
    gw = await startTestGateway('postgres', { routes: [routes] });
    runner = createProjectionRunner({
      sql: gw.deps.sql,
      store: gw.store,
      projections: allProjections(),
      logger: pino({ level: 'silent' }),
    });
    const m = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`;
    // Finished 200 days before now: beyond the 90 days of history the listing shows.
    await seed(ids.old, {
      at: '2026-05-01T10:00:00.000Z',
      target: 'archive',
      lane: 'normal',
      priority: 5,
      then: complete,
    });
    await seed(ids.succeeded, {
      at: m(0),
      target: 'archive',
      lane: 'normal',
      priority: 5,
      then: complete,
      assetId: sharedAsset,
    });
    await seed(ids.failed, {
      at: m(1),
      target: 'broadcast',
      lane: 'normal',
      priority: 5,
      then: fail,
      assetId: sharedAsset,
    });
    await seed(ids.cancelled, {
      at: m(2),
      target: 'broadcast',
      lane: 'normal',
      priority: 5,
      then: [{ type: 'Cancel', reason: 'wrong file' }],
    });
    await seed(ids.queuedNormal, { at: m(3), target: 'broadcast', lane: 'normal', priority: 6 });
    await seed(ids.queuedUrgent, { at: m(4), target: 'archive', lane: 'urgent', priority: 1 });
    await seed(ids.running, { at: m(5), target: 'broadcast', lane: 'normal', priority: 4, then: [start, reserve] });
    await seed(ids.paused, {
      at: m(6),
      target: 'broadcast',
      lane: 'normal',
      priority: 5,
      then: [{ type: 'Pause', bytesDone: 0 }],
    });
    await seed(ids.reorder, { at: m(7), target: 'broadcast', lane: 'normal', priority: 5 });
    await seed(ids.pauseMe, { at: m(8), target: 'archive', lane: 'normal', priority: 5 });
    await seed(ids.cancelMe, { at: m(9), target: 'archive', lane: 'normal', priority: 5 });
    await seed(ids.retryMe, { at: m(10), target: 'archive', lane: 'normal', priority: 5, then: fail });
    await seedClearedAsset(clearedAsset);
    await project();
  });
  afterAll(async () => {
    await gw.dispose();
    await progress.close();
  });

  type Role = 'admin' | 'operator' | 'auditor' | 'viewer';
  const get = (url: string, role: Role = 'viewer') => gw.request({ url, headers: gw.as(role) });
  const send = (
    method: 'POST' | 'PATCH',
    url: string,
    role: Role,
    body?: object,
    headers: Record<string, string> = {},
  ) =>
    gw.request({
      method,
      url,
      headers: { ...gw.as(role), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const listIds = async (query: string) => {
    const res = await get(`/v1/transfers${query}`);
    expect(res.statusCode).toBe(200);
    return (res.json().items as Array<{ id: string }>).map((t) => t.id);
  };
  const lastEvent = async (stream: string) => (await gw.store.readStream(stream)).at(-1)!;

  describe('reads', () => {
    test('lists newest first with finished history, hiding what finished before the history window', async () => {
      const all = await listIds('');
      expect(all).toEqual(
        [...names]
          .slice(1)
          .reverse()
          .map((n) => ids[n]),
      );
      expect(all).not.toContain(ids.old);
    });

    test('filters by state, lane, target network and asset', async () => {
      expect(await listIds('?state=queued')).toEqual([
        ids.cancelMe,
        ids.pauseMe,
        ids.reorder,
        ids.queuedUrgent,
        ids.queuedNormal,
      ]);
      expect(await listIds('?state=failed')).toEqual([ids.retryMe, ids.failed]);
      expect(await listIds('?lane=urgent')).toEqual([ids.queuedUrgent]);
      expect(await listIds('?network=archive&state=succeeded')).toEqual([ids.succeeded]);
      expect(await listIds(`?assetId=${sharedAsset}`)).toEqual([ids.failed, ids.succeeded]);
      expect(await listIds('?state=running&lane=urgent')).toEqual([]);
    });

    test('the body is { items, next }; a finished transfer tells when, who, how long, how fast, what failed', async () => {
      const body = (await get('/v1/transfers?state=succeeded')).json();
      expect(Object.keys(body).sort()).toEqual(['items', 'next']);
      expect(body.next).toBeNull();
      expect(body.items[0]).toEqual({
        id: ids.succeeded,
        assetId: sharedAsset,
        sourceNetwork: 'news',
        targetNetwork: 'archive',
        state: 'succeeded',
        lane: 'normal',
        priority: 5,
        step: 'registered',
        bytesTotal: 4 * MB,
        bytesDone: 4 * MB,
        attempts: 1,
        error: null,
        requestedBy: 'service:screening',
        lastActor: 'service:transfer',
        channel: 'normal-1',
        path: '/nodes/archive/inbox/clip.mxf',
        createdAt: '2026-11-22T10:00:00.000Z',
        updatedAt: '2026-11-22T10:00:00.000Z',
        startedAt: '2026-11-22T10:00:00.000Z',
        finishedAt: '2026-11-22T10:00:00.000Z',
        durationMs: 2000,
        bytesPerSecond: 2 * MB,
        etaSeconds: null,
        version: 6,
      });
      const [failed] = (await get(`/v1/transfers?state=failed&assetId=${sharedAsset}`)).json().items;
      expect(failed).toMatchObject({ state: 'failed', error: 'target disk full', step: 'copy', bytesPerSecond: null });
    });

    test('pages by cursor: no row repeated or skipped, next null on the last page', async () => {
      const all = await listIds('');
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/v1/transfers?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const body = res.json() as { items: Array<{ id: string }>; next: string | null };
        seen.push(...body.items.map((t) => t.id));
        cursor = body.next;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(all);
    });

    test('the finished transfer beyond the history window is still there by id', async () => {
      const res = await get(`/v1/transfers/${ids.old}`, 'auditor');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: ids.old, state: 'succeeded', finishedAt: '2026-05-01T10:00:00.000Z' });
    });

    test('detail of a running copy: live bytes, rate and ETA from the progress board, attempts and saga step', async () => {
      progress.report(ids.running, {
        bytesDone: 1 * MB,
        bytesTotal: 4 * MB,
        bytesPerSecond: 500_000,
        channel: 'normal-1',
        worker: 'w1',
        at: Date.now(),
      });
      const res = await get(`/v1/transfers/${ids.running}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: ids.running,
        state: 'running',
        step: 'copying', // recorded: reserved; the copy reporting progress is the step running
        attempts: 1,
        bytesTotal: 4 * MB,
        bytesDone: 1 * MB,
        bytesPerSecond: 500_000,
        etaSeconds: 6,
        sha256: SHA,
      });
      const [listed] = (await get('/v1/transfers?state=running')).json().items;
      expect(listed).toMatchObject({ id: ids.running, bytesDone: 1 * MB, etaSeconds: 6 });
      // Not running: no live figures, whatever the board says.
      expect((await get(`/v1/transfers/${ids.queuedNormal}`)).json()).toMatchObject({ bytesDone: 0, etaSeconds: null });
    });

    test.each([
      ['?limit=1001', 'query parameter "limit" must be <= 1000'],
      ['?state=lost', 'query parameter "state"'],
      ['?lane=fast', 'query parameter "lane"'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor: not a cursor this API returned'],
      // Crafted cursors PostgreSQL would refuse (a 500 before issue 9): impossible dates, year 0, a NUL in the id.
      [`?cursor=${crafted('2026-02-30T10:00:00.000000Z')}`, 'cursor: not a cursor this API returned'],
      [`?cursor=${crafted('2026-04-31T23:59:59.999999Z')}`, 'cursor: not a cursor this API returned'],
      [`?cursor=${crafted('0000-01-01T00:00:00.000000Z')}`, 'cursor: not a cursor this API returned'],
      [`?cursor=${crafted('2026-01-01T24:00:00.000000Z')}`, 'cursor: not a cursor this API returned'],
      [`?cursor=${crafted('2026-01-01T00:00:00.000000Z', 'id\u0000')}`, 'cursor: not a cursor this API returned'],
      ['?owner=me', 'query parameter "owner" is not accepted'],
    ])('GET /v1/transfers%s -> 400 naming the parameter', async (query, message) => {
      const res = await get(`/v1/transfers${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('MXHUB_ERR_VALIDATION');
      expect(res.json().error.message).toContain(message);
    });

    test('an unknown transfer is a 404', async () => {
      const res = await get(`/v1/transfers/${uuidv7()}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('MXHUB_ERR_NOT_FOUND');
    });

    test('lanes: channels per process, busy channels, bandwidth; networks: paused and bandwidth', async () => {
      expect((await get('/v1/lanes')).json()).toEqual({
        items: [
          { name: 'urgent', channels: 4, busy: 1, bandwidthMbps: null },
          { name: 'normal', channels: 12, busy: 3, bandwidthMbps: null },
        ],
      });
      expect((await get('/v1/lanes/urgent', 'auditor')).json()).toEqual({
        name: 'urgent',
        channels: 4,
        busy: 1,
        bandwidthMbps: null,
      });
      expect((await get('/v1/lanes/fast')).statusCode).toBe(404);
      expect((await get('/v1/networks')).json()).toEqual({
        items: NETWORKS.map((id) => ({ id, paused: false, reason: null, bandwidthMbps: null })),
      });
    });

    test('the routes are documented in OpenAPI', async () => {
      const doc = (await gw.request({ url: '/docs/json' })).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/transfers',
          '/v1/transfers/{id}',
          '/v1/transfers/{id}/pause',
          '/v1/transfers/{id}/resume',
          '/v1/transfers/{id}/cancel',
          '/v1/transfers/{id}/retry',
          '/v1/lanes',
          '/v1/lanes/{name}',
          '/v1/networks',
          '/v1/networks/{id}',
          '/v1/assets/{assetId}/transfers',
        ]),
      );
      expect(doc.paths['/v1/transfers/{id}'].patch.requestBody).toBeDefined();
    });
  });

  describe('commands', () => {
    test('PATCH reorders a queued transfer: TransferReprioritized with the actor and correlation id', async () => {
      const res = await send(
        'PATCH',
        `/v1/transfers/${ids.reorder}`,
        'operator',
        { priority: 1, lane: 'urgent' },
        {
          'x-correlation-id': 'ticket-77',
        },
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: ids.reorder, version: 2 });
      expect(await lastEvent(`transfer-${ids.reorder}`)).toMatchObject({
        type: 'TransferReprioritized',
        data: { lane: 'urgent', priority: 1, previousLane: 'normal', previousPriority: 5 },
        metadata: { actor: 'user:test-operator', correlationId: 'ticket-77' },
      });
      await project();
      expect(await listIds('?lane=urgent&state=queued')).toEqual([ids.reorder, ids.queuedUrgent]);
      // Priority alone keeps the lane.
      const again = await send('PATCH', `/v1/transfers/${ids.reorder}`, 'admin', { priority: 3 });
      expect(again.json()).toEqual({ id: ids.reorder, version: 3 });
      expect((await lastEvent(`transfer-${ids.reorder}`)).data).toMatchObject({ lane: 'urgent', priority: 3 });
    });

    test('PATCH refusals: 400 naming the field, 409 when the transfer no longer waits, 404 when unknown', async () => {
      const bad = await send('PATCH', `/v1/transfers/${ids.reorder}`, 'admin', { priority: 11 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('"priority"');
      const empty = await send('PATCH', `/v1/transfers/${ids.reorder}`, 'admin', {});
      expect(empty.statusCode).toBe(400);
      const running = await send('PATCH', `/v1/transfers/${ids.running}`, 'admin', { priority: 1 });
      expect(running.statusCode).toBe(409);
      expect(running.json().error.code).toBe('MXHUB_ERR_STATE');
      expect((await send('PATCH', `/v1/transfers/${uuidv7()}`, 'admin', { priority: 1 })).statusCode).toBe(404);
    });

    test('If-Match: the version read passes, a stale one is a 412 naming both versions, a malformed one a 400', async () => {
      await project();
      const { version } = (await get(`/v1/transfers/${ids.reorder}`)).json();
      const stale = await send('PATCH', `/v1/transfers/${ids.reorder}`, 'admin', { priority: 4 }, { 'if-match': '1' });
      expect(stale.statusCode).toBe(412);
      expect(stale.json().error).toMatchObject({
        code: 'MXHUB_ERR_PRECONDITION_FAILED',
        details: { expected: 1, actual: version },
      });
      expect(stale.json().error.message).toContain(`version 1, but the stream is at version ${version}`);
      // Every transfer command takes it: a stale pause changes nothing either.
      const pause = await send('POST', `/v1/transfers/${ids.reorder}/pause`, 'admin', {}, { 'if-match': '1' });
      expect(pause.statusCode).toBe(412);
      expect((await lastEvent(`transfer-${ids.reorder}`)).version).toBe(version);
      for (const malformed of ['abc', '*', '1, 2', '-3']) {
        const res = await send(
          'PATCH',
          `/v1/transfers/${ids.reorder}`,
          'admin',
          { priority: 4 },
          { 'if-match': malformed },
        );
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'MXHUB_ERR_VALIDATION', details: { field: 'if-match' } });
        expect(res.json().error.message).toContain('If-Match');
      }
      const fresh = await send(
        'PATCH',
        `/v1/transfers/${ids.reorder}`,
        'admin',
        { priority: 4 },
        { 'if-match': `"${version}"` },
      );
      expect(fresh.statusCode).toBe(200);
      expect(fresh.json()).toEqual({ id: ids.reorder, version: version + 1 });
      expect((await lastEvent(`transfer-${ids.reorder}`)).data).toMatchObject({ priority: 4 });
    });

    test('pause then resume; resuming twice is a 409', async () => {
      const paused = await send('POST', `/v1/transfers/${ids.pauseMe}/pause`, 'operator', {
        reason: 'wait for the news',
      });
      expect(paused.statusCode).toBe(202);
      expect(paused.json()).toEqual({ id: ids.pauseMe, version: 2 });
      expect(await lastEvent(`transfer-${ids.pauseMe}`)).toMatchObject({
        type: 'TransferPaused',
        data: { reason: 'wait for the news', bytesDone: 0 },
        metadata: { actor: 'user:test-operator' },
      });
      await project();
      expect((await get(`/v1/transfers/${ids.pauseMe}`)).json().state).toBe('paused');
      const resumed = await send('POST', `/v1/transfers/${ids.pauseMe}/resume`, 'admin');
      expect(resumed.statusCode).toBe(202);
      expect(resumed.json()).toEqual({ id: ids.pauseMe, version: 3 });
      const twice = await send('POST', `/v1/transfers/${ids.pauseMe}/resume`, 'admin');
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.message).toContain('resuming needs it paused');
      await project();
      expect((await get(`/v1/transfers/${ids.pauseMe}`)).json().state).toBe('queued');
    });

    test('a running transfer pauses with the bytes its copy reported', async () => {
      const res = await send('POST', `/v1/transfers/${ids.running}/pause`, 'admin');
      expect(res.statusCode).toBe(202);
      expect((await lastEvent(`transfer-${ids.running}`)).data).toMatchObject({ bytesDone: 1 * MB });
    });

    test('cancel, and a 409 for cancelling a finished transfer', async () => {
      const res = await send('POST', `/v1/transfers/${ids.cancelMe}/cancel`, 'operator', { reason: 'sent twice' });
      expect(res.statusCode).toBe(202);
      expect(await lastEvent(`transfer-${ids.cancelMe}`)).toMatchObject({
        type: 'TransferCancelled',
        data: { reason: 'sent twice' },
      });
      await project();
      expect((await get(`/v1/transfers/${ids.cancelMe}`)).json()).toMatchObject({
        state: 'cancelled',
        error: 'sent twice',
      });
      const done = await send('POST', `/v1/transfers/${ids.succeeded}/cancel`, 'admin');
      expect(done.statusCode).toBe(409);
      expect(done.json().error.code).toBe('MXHUB_ERR_STATE');
    });

    test('retry a failed transfer; retrying a queued one is a 409', async () => {
      const res = await send('POST', `/v1/transfers/${ids.retryMe}/retry`, 'admin', { reason: 'disk freed' });
      expect(res.statusCode).toBe(202);
      expect(await lastEvent(`transfer-${ids.retryMe}`)).toMatchObject({
        type: 'TransferRetried',
        data: { reason: 'disk freed' },
      });
      await project();
      expect((await get(`/v1/transfers/${ids.retryMe}`)).json()).toMatchObject({ state: 'queued', error: null });
      expect((await send('POST', `/v1/transfers/${ids.queuedNormal}/retry`, 'admin')).statusCode).toBe(409);
      const reason = await send('POST', `/v1/transfers/${ids.pauseMe}/resume`, 'admin', { reason: 'x' });
      expect(reason.statusCode).toBe(400);
    });

    test('PATCH /v1/lanes/{name} (admin): LaneConfigured, then the lane shows the figures', async () => {
      const res = await send('PATCH', '/v1/lanes/normal', 'admin', { channels: 16, bandwidthMbps: 800 });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ name: 'normal', channels: 16, busy: 3, bandwidthMbps: 800 });
      expect(await lastEvent('lane-normal')).toMatchObject({
        type: 'LaneConfigured',
        data: { lane: 'normal', channels: 16, bandwidthMbps: 800 },
        metadata: { actor: 'user:test-admin' },
      });
      await project();
      expect((await get('/v1/lanes/normal')).json()).toEqual({
        name: 'normal',
        channels: 16,
        busy: 3,
        bandwidthMbps: 800,
      });
      const bad = await send('PATCH', '/v1/lanes/normal', 'admin', { channels: 257 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('"channels"');
      expect((await send('PATCH', '/v1/lanes/fast', 'admin', { channels: 1 })).statusCode).toBe(404);
    });

    test('PATCH /v1/networks/{id}: NetworkPaused with the reason, bandwidth, then resume', async () => {
      const res = await send('PATCH', '/v1/networks/broadcast', 'operator', {
        paused: true,
        reason: 'studio maintenance',
        bandwidthMbps: 200,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: 'broadcast', paused: true, reason: 'studio maintenance', bandwidthMbps: 200 });
      const events = await gw.store.readStream('network-broadcast');
      expect(events.map((e) => e.type)).toEqual(['NetworkPaused', 'NetworkBandwidthSet']);
      expect(events[0]).toMatchObject({
        data: { reason: 'studio maintenance' },
        metadata: { actor: 'user:test-operator' },
      });
      await project();
      const listed = (await get('/v1/networks')).json().items;
      expect(listed).toContainEqual({
        id: 'broadcast',
        paused: true,
        reason: 'studio maintenance',
        bandwidthMbps: 200,
      });
      const resumed = await send('PATCH', '/v1/networks/broadcast', 'admin', { paused: false, bandwidthMbps: null });
      expect(resumed.json()).toEqual({ id: 'broadcast', paused: false, reason: null, bandwidthMbps: null });
      expect((await lastEvent('network-broadcast')).data).toEqual({ network: 'broadcast', bandwidthMbps: null });
      expect((await send('PATCH', '/v1/networks/moon', 'admin', { paused: true })).statusCode).toBe(404);
      // 0 is refused, not read as null (unlimited).
      const bad = await send('PATCH', '/v1/networks/news', 'admin', { bandwidthMbps: 0 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('"bandwidthMbps"');
    });

    test('POST /v1/assets/{id}/transfers: 201 once, 200 with the same transfer after, a new one when forced', async () => {
      const first = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'operator', {
        network: 'archive',
        priority: 2,
      });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({ id: transferIdFor(clearedAsset, 'archive'), created: true });
      const again = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'operator', { network: 'archive' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ id: first.json().id, created: false });
      const forced = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'admin', {
        network: 'archive',
        force: true,
        lane: 'normal',
      });
      expect(forced.statusCode).toBe(201);
      expect(forced.json().id).not.toBe(first.json().id);
      expect((await gw.store.readStream(`transfer-${first.json().id}`))[0]).toMatchObject({
        type: 'TransferRequested',
        data: { assetId: clearedAsset, targetNetwork: 'archive', lane: 'urgent', priority: 2 },
        metadata: { actor: 'user:test-operator' },
      });
      await project();
      expect((await listIds(`?assetId=${clearedAsset}`)).sort()).toEqual([forced.json().id, first.json().id].sort());
    });

    test('a send without force of a cancelled transfer is a 409 naming it and retry; the retry queues it again', async () => {
      const id = transferIdFor(clearedAsset, 'archive');
      expect((await send('POST', `/v1/transfers/${id}/cancel`, 'operator', { reason: 'wrong cut' })).statusCode).toBe(
        202,
      );
      const resend = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'operator', { network: 'archive' });
      expect(resend.statusCode).toBe(409);
      expect(resend.json().error).toMatchObject({ code: 'MXHUB_ERR_STATE', details: { transferId: id } });
      expect(resend.json().error.message).toContain(`POST /v1/transfers/${id}/retry`);
      const retried = await send('POST', `/v1/transfers/${id}/retry`, 'operator', { reason: 'right cut now' });
      expect(retried.statusCode).toBe(202);
      expect(await lastEvent(`transfer-${id}`)).toMatchObject({ type: 'TransferRetried' });
      const again = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'operator', { network: 'archive' });
      expect(again.json()).toEqual({ id, created: false });
    });

    test('POST /v1/assets/{id}/transfers refusals: unknown asset 404, source network 400, unknown network 404, missing network 400', async () => {
      expect((await send('POST', `/v1/assets/${uuidv7()}/transfers`, 'admin', { network: 'archive' })).statusCode).toBe(
        404,
      );
      const source = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'admin', { network: 'news' });
      expect(source.statusCode).toBe(400);
      expect(source.json().error.details).toMatchObject({ field: 'network' });
      expect(
        (await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'admin', { network: 'moon' })).statusCode,
      ).toBe(404);
      const missing = await send('POST', `/v1/assets/${clearedAsset}/transfers`, 'admin', {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.message).toContain('"network"');
    });
  });

  describe('roles', () => {
    test('viewers and auditors read but change nothing (403); only admins configure lanes', async () => {
      const before = (await gw.store.readStream(`transfer-${ids.queuedNormal}`)).length;
      for (const role of ['viewer', 'auditor'] as const) {
        const cases = [
          await send('PATCH', `/v1/transfers/${ids.queuedNormal}`, role, { priority: 1 }),
          await send('POST', `/v1/transfers/${ids.queuedNormal}/pause`, role),
          await send('POST', `/v1/transfers/${ids.queuedNormal}/cancel`, role),
          await send('POST', `/v1/assets/${clearedAsset}/transfers`, role, { network: 'archive', force: true }),
          await send('PATCH', '/v1/networks/archive', role, { paused: true }),
          await send('PATCH', '/v1/lanes/urgent', role, { channels: 1 }),
        ];
        for (const res of cases) {
          expect(res.statusCode).toBe(403);
          expect(res.json().error.code).toBe('MXHUB_ERR_FORBIDDEN');
        }
        expect((await get('/v1/transfers', role)).statusCode).toBe(200);
      }
      expect((await send('PATCH', '/v1/lanes/urgent', 'operator', { channels: 1 })).statusCode).toBe(403);
      expect((await gw.store.readStream(`transfer-${ids.queuedNormal}`)).length).toBe(before);
      expect(await gw.store.readStream('lane-urgent')).toEqual([]);
    });

    test('no token: 401', async () => {
      expect((await gw.request({ url: '/v1/transfers' })).statusCode).toBe(401);
    });
  });
});
