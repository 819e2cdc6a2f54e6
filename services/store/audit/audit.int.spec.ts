import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import type { Role } from '../../gateway/auth';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { storeProjection } from '../read-model/projection';
import { createReplicaQueries } from '../read-model/queries';
import { nodeAuditRoutes } from '../routes/node-audits';
import { createAuditor, type Auditor, type AuditorDeps } from './auditor';
import { createPacer, pacedSha256 } from './paced-hash';

const NETWORKS = ['news', 'broadcast', 'archive'];
const logger = pino({ level: 'silent' });

/**
 * The fixity audit on both profiles: real files on three nodes, the store's
 * projection fed the log, the audit started through the API. The repair of
 * what it finds, through the transfer saga (a service this folder does not
 * import): test/integration/store/audit-repair.int.spec.ts.
 */
describe.each(['postgres', 'pglite'] as const)('fixity audit on %s (issue 13 item 5)', (kind) => {
  let gw: TestGateway;
  let base: string;
  let runner: ProjectionRunner;
  let auditor: Auditor;
  let down = false;
  const root = (n: string) => join(base, n);
  const assetId = uuidv7();
  const content = randomBytes(300 * 1024);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const paths = {
    news: () => join(root('news'), '.mxhub', 'staging', assetId, 'clip.mxf'),
    broadcast: () => join(root('broadcast'), 'inbox', 'clip.mxf'),
    archive: () => join(root('archive'), 'cache', 'clip.mxf'),
  };

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mx-audit-'));
    gw = await startTestGateway(kind, {
      routes: [
        async (app, opts) => {
          auditor = createAuditor(
            {
              store: opts.deps.store,
              queries: createReplicaQueries(opts.deps.sql),
              networks: NETWORKS.map((id) => ({ id, root: root(id) })),
              isUp: () => !down,
              pacer: createPacer(1e9),
              logger,
            },
            { intervalHours: 1 },
          );
          await app.register(nodeAuditRoutes({ auditor, networks: NETWORKS, isUp: () => !down }), opts);
        },
      ],
    });
    runner = createProjectionRunner({ sql: gw.deps.sql, store: gw.store, projections: [storeProjection], logger });
    for (const p of Object.values(paths)) {
      await mkdir(join(p(), '..'), { recursive: true });
      await writeFile(p(), content);
    }
    const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, s)).toISOString();
    const event = (type: string, data: object, s: number): NewEvent => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: { correlationId: assetId, causationId: assetId, actor: 'test', occurredAt: at(s) },
    });
    const size = content.length;
    await gw.store.append(
      `asset-${assetId}`,
      [
        event(
          'AssetDetected',
          { sourceNetwork: 'news', targets: ['broadcast'], originalName: 'clip.mxf', sizeBytes: size },
          0,
        ),
        event('AssetIngested', { stagedPath: paths.news(), sizeBytes: size, sha256 }, 1),
        event('AssetCleared', { targets: ['broadcast'] }, 2),
        event('ReplicaStored', { network: 'news', path: paths.news(), sha256, kind: 'origin', sizeBytes: size }, 3),
        event(
          'ReplicaStored',
          { network: 'broadcast', path: paths.broadcast(), sha256, kind: 'delivered', sizeBytes: size },
          4,
        ),
        event(
          'ReplicaStored',
          { network: 'archive', path: paths.archive(), sha256, kind: 'cached', sizeBytes: size },
          5,
        ),
      ],
      'no_stream',
    );
    await project();
  }, 60_000);

  afterAll(async () => {
    await auditor?.idle();
    await gw?.dispose();
    await rm(base, { recursive: true, force: true });
  });

  /** An auditor of another hub process on the same store, with the nodes (and probe) a test gives it. */
  const anotherAuditor = (deps: Pick<AuditorDeps, 'networks'> & Partial<Pick<AuditorDeps, 'confirmUp'>>) =>
    createAuditor(
      {
        store: gw.store,
        queries: createReplicaQueries(gw.deps.sql),
        isUp: () => true,
        pacer: createPacer(1e9),
        logger,
        ...deps,
      },
      { intervalHours: 1 },
    );

  /** Each replica of the asset as the store's read model holds it, by network. */
  const replicaStates = (id: string) =>
    gw.deps.sql.query<{ network: string; state: string }>(
      'select network, state from rm_replicas where asset_id = $1 order by network',
      [id],
    );

  const post = (network: string, role: Role = 'operator') =>
    gw.request({ method: 'POST', url: `/v1/nodes/${network}/audit`, headers: gw.as(role) });
  const replicaEvents = async () =>
    (await gw.store.readStream(`asset-${assetId}`)).filter((e) => /^Replica(Verified|Missing|Corrupt)$/.test(e.type));

  test('a deleted file and a flipped byte: missing and corrupt, the corrupt file moved aside, the sound one verified', async () => {
    await unlink(paths.broadcast());
    const flipped = Buffer.from(content);
    flipped[1000] = flipped[1000]! ^ 0xff;
    await writeFile(paths.archive(), flipped);

    for (const network of ['broadcast', 'archive', 'news']) {
      const res = await post(network);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ network, trigger: 'request', state: 'running' });
      await auditor.idle();
    }

    const events = await replicaEvents();
    expect(events.map((e) => [e.type, (e.data as { network: string }).network])).toEqual([
      ['ReplicaMissing', 'broadcast'],
      ['ReplicaCorrupt', 'archive'],
      ['ReplicaVerified', 'news'],
    ]);
    expect(events[0]!.data).toMatchObject({ path: paths.broadcast(), reason: expect.stringMatching(/ENOENT/) });
    const corrupt = events[1]!.data as { foundSha256: string; movedTo: string };
    expect(corrupt.foundSha256).toBe(createHash('sha256').update(flipped).digest('hex'));
    expect(corrupt.movedTo.startsWith(join(root('archive'), '.mxhub', 'corrupt', assetId))).toBe(true);
    // Moved aside, never deleted: the bad bytes are kept for study, and the replica's place is free for a repair.
    expect(await readFile(corrupt.movedTo)).toEqual(flipped);
    expect(existsSync(paths.archive())).toBe(false);
    expect(events.every((e) => e.metadata.actor === 'user:test-operator')).toBe(true);

    const report = (await gw.request({ url: '/v1/nodes/archive/audit', headers: gw.as('viewer') })).json();
    expect(report).toMatchObject({
      state: 'done',
      checked: 1,
      corrupt: 1,
      bytes: content.length,
      problems: [{ assetId, state: 'corrupt', movedTo: corrupt.movedTo }],
    });

    await project();
    const states = await replicaStates(assetId);
    expect(states).toEqual([
      { network: 'archive', state: 'corrupt' },
      { network: 'broadcast', state: 'missing' },
      { network: 'news', state: 'ok' },
    ]);
  });

  test('an audit that ended is recorded on its node: another hub process (or the next start) answers for it', async () => {
    const finished = (await gw.store.readStream('node-archive')).filter((e) => e.type === 'NodeAuditFinished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.metadata).toMatchObject({ actor: 'user:test-operator' });
    expect(finished[0]!.data).toMatchObject({ network: 'archive', state: 'done', checked: 1, corrupt: 1 });
    const mine = await auditor.report('archive');
    // A process that ran no audit of its own: what it answers comes from the stream.
    const elsewhere = anotherAuditor({ networks: NETWORKS.map((id) => ({ id, root: root(id) })) });
    expect(await elsewhere.report('archive')).toEqual(mine);
    expect(await elsewhere.report('mars')).toBeUndefined();
    // Once that other process audits the node, both answer with its later audit.
    const later = await elsewhere.audit('archive', { actor: 'user:test', correlationId: uuidv7(), all: true }).done;
    expect(later.id > mine!.id).toBe(true);
    expect(await auditor.report('archive')).toEqual(later);
  });

  test('the schedule audits only replicas due: one verified within the interval is left alone', async () => {
    const before = (await replicaEvents()).length;
    const reports = await auditor.round();
    expect(reports.map((r) => [r.network, r.trigger, r.checked])).toEqual([
      ['news', 'schedule', 0],
      ['broadcast', 'schedule', 0],
      ['archive', 'schedule', 0],
    ]);
    expect((await replicaEvents()).length).toBe(before);
  });

  test('route × role: admins and operators start audits, every reader reads them; bad input names the field', async () => {
    const starts: Record<Role, number> = { admin: 202, operator: 202, auditor: 403, viewer: 403, connector: 403 };
    for (const [role, status] of Object.entries(starts) as Array<[Role, number]>) {
      expect([role, (await post('news', role)).statusCode]).toEqual([role, status]);
      await auditor.idle();
    }
    const reads: Record<Role, number> = { admin: 200, operator: 200, auditor: 200, viewer: 200, connector: 403 };
    for (const [role, status] of Object.entries(reads) as Array<[Role, number]>) {
      const res = await gw.request({ url: '/v1/nodes/news/audit', headers: gw.as(role) });
      expect([role, res.statusCode]).toEqual([role, status]);
    }
    const unknown = await post('mars');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/^id: no network 'mars'/);
    down = true;
    const refused = await post('news');
    down = false;
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/node news is down/);
  });

  test('a node that went down since its last probe stops the audit: nothing on it is said missing', async () => {
    const gone = anotherAuditor({ networks: [{ id: 'news', root: root('news') }], confirmUp: async () => false });
    const before = (await replicaEvents()).length;
    // The node's mount is gone: its files cannot be read, and the probe the auditor asks says so.
    await rename(root('news'), `${root('news')}.away`);
    const report = await gone
      .audit('news', { actor: 'user:test', correlationId: uuidv7(), all: true })
      .done.finally(() => rename(`${root('news')}.away`, root('news')));
    expect(report).toMatchObject({
      state: 'done',
      checked: 0,
      note: expect.stringMatching(/went down during the audit/),
    });
    expect((await replicaEvents()).length).toBe(before);
  });

  test('the pacer holds the audit to its cap', async () => {
    const t0 = Date.now();
    await pacedSha256(paths.news(), createPacer(1024 * 1024));
    // 300 KiB at 1 MiB/s: some 290 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  test('on a network whose systems take what is delivered (inbox: taken), a delivered file gone is taken, not missing', async () => {
    const taking = anotherAuditor({ networks: [{ id: 'broadcast', root: root('broadcast'), inbox: 'taken' }] });
    const taken = uuidv7();
    const path = join(root('broadcast'), 'inbox', 'taken.mxf');
    await writeFile(path, content);
    const meta = { correlationId: taken, causationId: taken, actor: 'test', occurredAt: new Date().toISOString() };
    const stored = (type: string, data: object): NewEvent => ({
      id: uuidv7(),
      type,
      data: { assetId: taken, ...data },
      metadata: meta,
    });
    await gw.store.append(`asset-${taken}`, [
      stored('AssetDetected', {
        sourceNetwork: 'news',
        targets: ['broadcast'],
        originalName: 'taken.mxf',
        sizeBytes: content.length,
      }),
      stored('AssetIngested', { stagedPath: paths.news(), sizeBytes: content.length, sha256 }),
      stored('AssetCleared', { targets: ['broadcast'] }),
      stored('ReplicaStored', { network: 'broadcast', path, sha256, kind: 'delivered', sizeBytes: content.length }),
    ]);
    await project();
    // The playout server's ingest moved it away.
    await unlink(path);
    const report = await taking.audit('broadcast', { actor: 'user:test', correlationId: uuidv7(), all: true }).done;
    // The node's other delivered replicas (the first test's, when it ran) are verified or not looked at.
    expect(report).toMatchObject({ state: 'done', taken: 1, missing: 0, corrupt: 0, problems: [] });
    expect(report.verified).toBe(report.checked - 1);
    const events = (await gw.store.readStream(`asset-${taken}`)).filter((e) => e.type.startsWith('Replica'));
    expect(events.map((e) => e.type)).toEqual(['ReplicaStored', 'ReplicaTaken']);
    await project();
    const states = await replicaStates(taken);
    // The claimed file stays the origin replica on news, untouched.
    expect(states).toEqual([
      { network: 'broadcast', state: 'taken' },
      { network: 'news', state: 'ok' },
    ]);
  });
});
