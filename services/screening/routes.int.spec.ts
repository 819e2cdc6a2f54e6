import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent } from '../../events/envelope';
import { handleCommand } from '../../events/handle-command';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../../events/projections';
import { uuidv7 } from '../../lib/ids';
import { settled } from '../../test/support/settle';
import type { GatewayRoutes } from '../gateway/deps';
import { startTestGateway, type TestGateway } from '../gateway/testing/gateway-fixture';
import { createScreeningCommands } from './commands';
import { createCustody } from './custody';
import type { Stage } from '../../domain/asset/asset';
import { assetDecider, type ScreeningCommand } from '../../domain/asset/decide';
import { createAssetQueries } from './read-model/queries';
import { createScreeningRoutes } from './routes';

const SHA = 'c'.repeat(64);

describe('screening routes: /v1/assets and /v1/quarantine', () => {
  let gw: TestGateway;
  let runner: ProjectionRunner;
  let base: string;
  const roots = () => ({ news: join(base, 'news'), archive: join(base, 'archive') });
  const folder = (network: 'news' | 'archive', kind: 'staging' | 'quarantine', assetId: string) =>
    join(roots()[network], '.mxhub', kind, assetId);
  const ids: Record<'quarantined' | 'cleared' | 'rescreen' | 'override' | 'delete' | 'deleteQ' | 'detected', string> = {
    quarantined: uuidv7(),
    cleared: uuidv7(),
    rescreen: uuidv7(),
    override: uuidv7(),
    delete: uuidv7(),
    deleteQ: uuidv7(),
    detected: uuidv7(),
  };

  /** Brings the read models to the head of the log, whatever other sessions hold open. */
  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  /** Appends what `decide` makes of `command` on the asset's current stream. */
  async function command(assetId: string, c: ScreeningCommand, now: string): Promise<void> {
    const result = await handleCommand(gw.store, `asset-${assetId}`, assetDecider, c, {
      actor: 'service:screening',
      now,
      newId: () => uuidv7(),
    });
    if (result.conflict) throw result.error;
  }

  /** An asset detected and ingested at `minute`; with `stages`, those verdicts recorded (the last one may refuse). */
  async function seed(
    assetId: string,
    o: { network: 'news' | 'archive'; targets: string[]; minute: number; ingest?: boolean; refuseAt?: Stage },
  ): Promise<void> {
    const at = (second: number) => `2026-11-22T10:${String(o.minute).padStart(2, '0')}:${second}0.000Z`;
    const metadata = { correlationId: assetId, causationId: assetId, actor: `connector:${o.network}` };
    const e = (type: string, data: object, second: number): NewEvent => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: { ...metadata, occurredAt: at(second) },
    });
    const staged = join(folder(o.network, 'staging', assetId), 'clip.mxf');
    const events = [
      e('AssetDetected', { sourceNetwork: o.network, targets: o.targets, originalName: 'clip.mxf', sizeBytes: 11 }, 0),
    ];
    if (o.ingest !== false) events.push(e('AssetIngested', { stagedPath: staged, sizeBytes: 11, sha256: SHA }, 1));
    await gw.store.append(`asset-${assetId}`, events, 'no_stream');
    if (o.ingest === false) return;
    // Files where the hub keeps them: quarantine for a refused asset, staging otherwise.
    const dir = folder(o.network, o.refuseAt ? 'quarantine' : 'staging', assetId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'clip.mxf'), 'media bytes');
    await writeFile(join(dir, 'clip.xml'), '<clip/>');
    for (const stage of ['whitelist', 'intrusion', 'antivirus', 'analysis'] as const) {
      if (stage === o.refuseAt) {
        const verdict = { passed: false as const, rule: 'antivirus.clamav', reason: 'signature Eicar-Test-Signature' };
        const quarantinePath = join(dir, 'clip.mxf');
        await command(assetId, { type: 'RecordVerdict', stage, verdict, quarantinePath }, at(2));
        return;
      }
      const technical = stage === 'analysis' ? { container: 'MXF', durationSeconds: 12 } : undefined;
      await command(
        assetId,
        { type: 'RecordVerdict', stage, verdict: { passed: true, ...(technical ? { technical } : {}) } },
        at(2),
      );
    }
  }

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mxhub-screening-routes-'));
    // Queries and commands need the gateway's database, which the fixture creates: build them at registration.
    const routes: GatewayRoutes = async (app, opts) => {
      const custody = createCustody([
        { id: 'news', root: roots().news },
        { id: 'archive', root: roots().archive },
      ]);
      const plugin = createScreeningRoutes({
        queries: createAssetQueries(opts.deps.sql),
        commands: createScreeningCommands({ store: opts.deps.store, custody }),
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
    await seed(ids.quarantined, { network: 'news', targets: ['broadcast'], minute: 0, refuseAt: 'antivirus' });
    await seed(ids.cleared, { network: 'news', targets: ['broadcast', 'archive'], minute: 1 });
    await gw.store.append(`asset-${ids.cleared}`, [
      {
        id: uuidv7(),
        type: 'ReplicaStored',
        data: { assetId: ids.cleared, network: 'broadcast', path: '/nodes/broadcast/inbox/clip.mxf', sha256: SHA },
        metadata: {
          correlationId: ids.cleared,
          causationId: ids.cleared,
          actor: 'service:transfer',
          occurredAt: '2026-11-22T11:00:00.000Z',
        },
      },
    ]);
    await seed(ids.rescreen, { network: 'archive', targets: ['news'], minute: 2, refuseAt: 'intrusion' });
    await seed(ids.override, { network: 'news', targets: ['broadcast'], minute: 3, refuseAt: 'antivirus' });
    await seed(ids.delete, { network: 'news', targets: ['archive'], minute: 4, refuseAt: 'whitelist' });
    await seed(ids.deleteQ, { network: 'news', targets: ['archive'], minute: 5, refuseAt: 'whitelist' });
    await seed(ids.detected, { network: 'archive', targets: ['broadcast'], minute: 6, ingest: false });
    await project();
  });
  afterAll(async () => {
    await gw.dispose();
    await rm(base, { recursive: true, force: true });
  });

  const get = (url: string, role: 'admin' | 'viewer' | 'auditor' = 'viewer') =>
    gw.request({ url, headers: gw.as(role) });
  const send = (
    method: 'POST' | 'DELETE',
    url: string,
    role: 'admin' | 'operator' | 'viewer',
    body?: object,
    headers: Record<string, string> = {},
  ) =>
    gw.request({
      method,
      url,
      headers: { ...gw.as(role), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const streamTypes = async (assetId: string) => (await gw.store.readStream(`asset-${assetId}`)).map((e) => e.type);

  describe('reads', () => {
    test('one asset: verdicts, quarantine facts, technical metadata and replicas, never file content', async () => {
      const q = (await get(`/v1/assets/${ids.quarantined}`, 'auditor')).json();
      expect(q).toMatchObject({ assetId: ids.quarantined, state: 'quarantined', technical: null, replicas: [] });
      expect(q.verdicts).toEqual([
        expect.objectContaining({ stage: 'whitelist', passed: true }),
        expect.objectContaining({ stage: 'intrusion', passed: true }),
        expect.objectContaining({
          stage: 'antivirus',
          passed: false,
          rule: 'antivirus.clamav',
          reason: 'signature Eicar-Test-Signature',
          at: '2026-11-22T10:00:20.000Z',
        }),
      ]);
      expect(q.quarantine).toEqual({
        stage: 'antivirus',
        rule: 'antivirus.clamav',
        reason: 'signature Eicar-Test-Signature',
        path: join(folder('news', 'quarantine', ids.quarantined), 'clip.mxf'),
        at: '2026-11-22T10:00:20.000Z',
      });
      expect(JSON.stringify(q)).not.toContain('media bytes');

      const c = (await get(`/v1/assets/${ids.cleared}`)).json();
      expect(c.technical).toEqual({ container: 'MXF', durationSeconds: 12 });
      expect(c.verdicts).toHaveLength(4);
      expect(c.replicas).toEqual([
        {
          network: 'broadcast',
          path: '/nodes/broadcast/inbox/clip.mxf',
          sha256: SHA,
          storedAt: '2026-11-22T11:00:00.000Z',
        },
        // Clearing records the origin copy, kept in the source node's staging (issue 13 item 1).
        {
          network: 'news',
          path: join(folder('news', 'staging', ids.cleared), 'clip.mxf'),
          sha256: SHA,
          storedAt: '2026-11-22T10:01:20.000Z',
        },
      ]);
    });

    test('the quarantine lists refused assets with the stage, rule and reason', async () => {
      const res = await get('/v1/quarantine');
      expect(res.statusCode).toBe(200);
      const { items, nextCursor } = res.json();
      expect(nextCursor).toBeNull();
      expect(items.map((a: { assetId: string }) => a.assetId)).toEqual([
        ids.deleteQ,
        ids.delete,
        ids.override,
        ids.rescreen,
        ids.quarantined,
      ]);
      expect(items[4]).toEqual({
        assetId: ids.quarantined,
        originalName: 'clip.mxf',
        sha256: SHA,
        sourceNetwork: 'news',
        targets: ['broadcast'],
        sizeBytes: 11,
        stage: 'antivirus',
        rule: 'antivirus.clamav',
        reason: 'signature Eicar-Test-Signature',
        quarantinedAt: '2026-11-22T10:00:20.000Z',
      });
      const first = (await get('/v1/quarantine?limit=4')).json();
      expect(first.items).toHaveLength(4);
      const rest = (await get(`/v1/quarantine?limit=4&cursor=${first.nextCursor}`)).json();
      expect(rest).toEqual({ items: [items[4]], next: null, nextCursor: null });
    });

    test('an unknown asset is a 404', async () => {
      const res = await get(`/v1/assets/${uuidv7()}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('MXHUB_ERR_NOT_FOUND');
    });

    test('the routes are documented in OpenAPI', async () => {
      const doc = (await gw.request({ url: '/docs/json' })).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/v1/assets/{assetId}', '/v1/assets/{assetId}/release', '/v1/quarantine']),
      );
      expect(doc.paths['/v1/assets/{assetId}/release'].post.requestBody).toBeDefined();
      // `nextCursor` is documented as the deprecated alias of `next` it is (the assets list: services/catalog).
      for (const path of ['/v1/quarantine']) {
        expect(doc.paths[path].get.description).toContain('`nextCursor` is a deprecated alias of `next`');
        const page = doc.paths[path].get.responses['200'].content['application/json'].schema;
        expect(page.properties.nextCursor.deprecated).toBe(true);
        expect(page.required).toEqual(expect.arrayContaining(['items', 'next', 'nextCursor']));
      }
      expect(doc.paths['/v1/assets/{assetId}/release'].post.responses['412']).toBeDefined();
    });
  });

  describe('commands', () => {
    test('rescreen (operator): files back in staging, AssetReleased with the actor and correlation id', async () => {
      const res = await send(
        'POST',
        `/v1/assets/${ids.rescreen}/release`,
        'operator',
        { mode: 'rescreen', reason: 'false positive on the intrusion filter' },
        { 'x-correlation-id': 'ticket-4711' },
      );
      expect(res.statusCode).toBe(202);
      expect(res.headers['x-correlation-id']).toBe('ticket-4711');
      const events = await gw.store.readStream(`asset-${ids.rescreen}`);
      expect(res.json()).toEqual({
        assetId: ids.rescreen,
        version: events.length,
        mode: 'rescreen',
        outcome: 'queued for rescreen',
      });
      const released = events.at(-1)!;
      expect(released).toMatchObject({
        type: 'AssetReleased',
        data: { assetId: ids.rescreen, mode: 'rescreen', reason: 'false positive on the intrusion filter' },
        metadata: { actor: 'user:test-operator', correlationId: 'ticket-4711', causationId: 'ticket-4711' },
      });
      expect((await readdir(folder('archive', 'staging', ids.rescreen))).sort()).toEqual(['clip.mxf', 'clip.xml']);
      await expect(readdir(folder('archive', 'quarantine', ids.rescreen))).rejects.toMatchObject({ code: 'ENOENT' });
      await project();
      expect((await get(`/v1/assets/${ids.rescreen}`)).json().state).toBe('released');
    });

    test('override (admin): AssetReleased then AssetCleared with override, files in staging', async () => {
      const res = await send('POST', `/v1/assets/${ids.override}/release`, 'admin', {
        mode: 'override',
        reason: 'known test pattern, cleared by QA',
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ assetId: ids.override, mode: 'override' });
      const events = await gw.store.readStream(`asset-${ids.override}`);
      expect(events.slice(-3)).toMatchObject([
        { type: 'AssetReleased', data: { mode: 'override' }, metadata: { actor: 'user:test-admin' } },
        { type: 'AssetCleared', data: { override: true, targets: ['broadcast'] } },
        { type: 'ReplicaStored', data: { network: 'news', kind: 'origin' } },
      ]);
      expect(res.json().version).toBe(events.length);
      expect((await readdir(folder('news', 'staging', ids.override))).sort()).toEqual(['clip.mxf', 'clip.xml']);
      await project();
      expect((await get(`/v1/assets/${ids.override}`)).json().state).toBe('cleared');
    });

    test('delete (admin) with the reason in the body or the query: AssetDeleted, files gone', async () => {
      const res = await send('DELETE', `/v1/assets/${ids.delete}`, 'admin', { reason: 'not ours, dropped by mistake' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ assetId: ids.delete, deleted: true });
      const byQuery = await send('DELETE', `/v1/assets/${ids.deleteQ}?reason=duplicate%20drop`, 'admin');
      expect(byQuery.statusCode).toBe(200);
      for (const [assetId, reason] of [
        [ids.delete, 'not ours, dropped by mistake'],
        [ids.deleteQ, 'duplicate drop'],
      ] as const) {
        const last = (await gw.store.readStream(`asset-${assetId}`)).at(-1)!;
        expect(last).toMatchObject({ type: 'AssetDeleted', data: { reason }, metadata: { actor: 'user:test-admin' } });
        for (const kind of ['quarantine', 'staging'] as const) {
          await expect(readdir(folder('news', kind, assetId))).rejects.toMatchObject({ code: 'ENOENT' });
        }
      }
      await project();
      for (const assetId of [ids.deleteQ, ids.delete])
        expect((await get(`/v1/assets/${assetId}`)).json().state).toBe('deleted');
    });
  });

  describe('refusals', () => {
    test('releasing an asset that is not quarantined -> 409 MXHUB_ERR_STATE', async () => {
      const before = await streamTypes(ids.cleared);
      const res = await send('POST', `/v1/assets/${ids.cleared}/release`, 'admin', {
        mode: 'rescreen',
        reason: 'try again',
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'MXHUB_ERR_STATE' });
      expect(res.json().error.message).toContain('not quarantined');
      expect(await streamTypes(ids.cleared)).toEqual(before);
    });

    test('a missing reason -> 400 naming reason, for release and delete', async () => {
      const release = await send('POST', `/v1/assets/${ids.quarantined}/release`, 'admin', { mode: 'rescreen' });
      expect(release.statusCode).toBe(400);
      expect(release.json().error).toMatchObject({ code: 'MXHUB_ERR_VALIDATION', details: { field: 'reason' } });
      expect(release.json().error.message).toContain('"reason"');
      const remove = await send('DELETE', `/v1/assets/${ids.quarantined}`, 'admin');
      expect(remove.statusCode).toBe(400);
      expect(remove.json().error).toMatchObject({ code: 'MXHUB_ERR_VALIDATION', details: { field: 'reason' } });
      expect(remove.json().error.message).toContain('reason');
    });

    test('an unknown asset -> 404 for release and delete', async () => {
      const id = uuidv7();
      for (const res of [
        await send('POST', `/v1/assets/${id}/release`, 'admin', { mode: 'rescreen', reason: 'whatever' }),
        await send('DELETE', `/v1/assets/${id}?reason=whatever`, 'admin'),
      ]) {
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('MXHUB_ERR_NOT_FOUND');
      }
    });

    test('a viewer cannot release, an operator cannot override or delete (403); nothing changes', async () => {
      const cases = [
        await send('POST', `/v1/assets/${ids.quarantined}/release`, 'viewer', { mode: 'rescreen', reason: 'please' }),
        await send('POST', `/v1/assets/${ids.quarantined}/release`, 'operator', {
          mode: 'override',
          reason: 'trust me',
        }),
        await send('DELETE', `/v1/assets/${ids.quarantined}?reason=cleanup`, 'operator'),
      ];
      for (const res of cases) {
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('MXHUB_ERR_FORBIDDEN');
      }
      expect(cases[1]!.json().error.message).toContain('override');
      expect((await streamTypes(ids.quarantined)).at(-1)).toBe('AssetQuarantined');
      expect((await readdir(folder('news', 'quarantine', ids.quarantined))).sort()).toEqual(['clip.mxf', 'clip.xml']);
    });

    test('If-Match: a stale version is a 412 naming both and changes nothing, a malformed one a 400, the one read passes', async () => {
      const { version } = (await get(`/v1/assets/${ids.quarantined}`)).json();
      const release = { mode: 'rescreen', reason: 'rules updated' };
      const stale = [
        await send('POST', `/v1/assets/${ids.quarantined}/release`, 'admin', release, { 'if-match': '1' }),
        await send('DELETE', `/v1/assets/${ids.quarantined}?reason=cleanup`, 'admin', undefined, { 'if-match': '1' }),
      ];
      for (const res of stale) {
        expect(res.statusCode).toBe(412);
        expect(res.json().error).toMatchObject({
          code: 'MXHUB_ERR_PRECONDITION_FAILED',
          details: { expected: 1, actual: version },
        });
        expect(res.json().error.message).toContain(`version 1, but the stream is at version ${version}`);
      }
      expect((await streamTypes(ids.quarantined)).at(-1)).toBe('AssetQuarantined');
      expect((await readdir(folder('news', 'quarantine', ids.quarantined))).sort()).toEqual(['clip.mxf', 'clip.xml']);
      const malformed = await send('POST', `/v1/assets/${ids.quarantined}/release`, 'admin', release, {
        'if-match': 'v2',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error).toMatchObject({ code: 'MXHUB_ERR_VALIDATION', details: { field: 'if-match' } });
      const fresh = await send('POST', `/v1/assets/${ids.quarantined}/release`, 'admin', release, {
        'if-match': String(version),
      });
      expect(fresh.statusCode).toBe(202);
      expect(fresh.json()).toEqual({
        assetId: ids.quarantined,
        version: version + 1,
        mode: 'rescreen',
        outcome: 'queued for rescreen',
      });
      expect((await streamTypes(ids.quarantined)).at(-1)).toBe('AssetReleased');
    });
  });
});
