import { mkdtemp, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createNodeLayoutMonitor, type NodeLayoutMonitor } from '../../../lib/node-layout';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { nodeRoutes } from '../routes/nodes';
import { createNodeQueries } from './node-queries';
import { createNodeReporter, type NodeReporter } from './node-reporter';
import { probeNode } from './probe';

const INTERVAL_MS = 100;

/** Resolves when `pred` holds, polling every 10 ms; the elapsed ms. */
async function until(pred: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

describe.each(['postgres', 'pglite'] as const)('node probes on %s (issue 13 item 4)', (kind) => {
  let gw: TestGateway;
  let dir: string;
  let monitor: NodeLayoutMonitor;
  let reporter: NodeReporter;
  const roots: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mx-nodes-'));
    for (const id of ['news', 'broadcast']) await mkdir((roots[id] = join(dir, id)));
    const networks = Object.entries(roots).map(([id, root]) => ({ id, root, targets: [] }));
    monitor = createNodeLayoutMonitor(networks, { intervalMs: INTERVAL_MS, probe: probeNode });
    gw = await startTestGateway(kind, {
      routes: [
        async (app, opts) =>
          app.register(
            nodeRoutes({
              networks: networks.map((n) => ({ ...n, capacity: { highWatermark: 95, lowWatermark: 85 } })),
              monitor,
              queries: createNodeQueries(opts.deps.sql),
            }),
            opts,
          ),
      ],
    });
    reporter = createNodeReporter({ store: gw.store, monitor, logger: pino({ level: 'silent' }) });
    await monitor.start();
    await reporter.start();
  }, 60_000);

  afterAll(async () => {
    await monitor?.stop();
    await reporter?.stop();
    await gw?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const nodes = async () => (await gw.request({ url: '/v1/nodes', headers: gw.as('viewer') })).json();
  const types = async (id: string) => (await gw.store.readStream(`node-${id}`)).map((e) => e.type);

  test('GET /v1/nodes: every node up, with space from statfs, watermarks and replicas by kind', async () => {
    const body = await nodes();
    expect(body.items.map((n: { id: string }) => n.id)).toEqual(['news', 'broadcast']);
    const news = body.items[0];
    expect(news).toMatchObject({ state: 'up', reason: null, highWatermark: 95, lowWatermark: 85 });
    expect(news.capacityBytes).toBeGreaterThan(0);
    expect(news.freeBytes).toBeGreaterThan(0);
    expect(news.usedBytes + news.freeBytes).toBeLessThanOrEqual(news.capacityBytes);
    expect(Date.parse(news.lastProbeAt)).toBeGreaterThan(Date.now() - 10_000);
    expect(news.replicas).toEqual({
      origin: { count: 0, bytes: 0 },
      delivered: { count: 0, bytes: 0 },
      cached: { count: 0, bytes: 0 },
    });
    // A node that was never down has said nothing.
    expect(await types('news')).toEqual([]);
  });

  test('a root gone (its mount vanished) is down within two probe intervals, and up by itself when it is back', async () => {
    const away = `${roots.news}.away`;
    await rename(roots.news!, away);
    const downIn = await until(async () => (await types('news')).includes('NodeDown'));
    // Two intervals, and the append and read-back on a machine shared with other tests.
    expect(downIn).toBeLessThanOrEqual(2 * INTERVAL_MS + 250);
    const down = (await nodes()).items[0];
    expect(down).toMatchObject({ state: 'down', capacityBytes: null });
    // The layout check sees the root gone, or the probe does when the rename lands between the two.
    expect(down.reason).toMatch(/does not resolve \(ENOENT\)|statfs failed \(ENOENT\)/);
    // The probe never made the vanished root again.
    await rename(away, roots.news!);
    await until(async () => (await types('news')).length === 2, 2 * INTERVAL_MS + 1000);
    const events = await gw.store.readStream('node-news');
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['NodeDown', { network: 'news', reason: expect.stringMatching(/ENOENT/) }],
      ['NodeUp', { network: 'news' }],
    ]);
    expect(events[0]!.metadata.actor).toBe('service:store');
    expect((await nodes()).items[0].state).toBe('up');
    expect(await types('broadcast')).toEqual([]);
  });

  test('a hub area that cannot be written (.mxhub a dangling link: permissions do not stop root) is down, then up', async () => {
    const hubArea = join(roots.broadcast!, '.mxhub');
    await rm(hubArea, { recursive: true, force: true });
    // The layout check refuses a linked .mxhub too; this one points nowhere, so the write cannot go through.
    await symlink(join(dir, 'nowhere'), hubArea);
    await until(async () => (await types('broadcast')).includes('NodeDown'), 2 * INTERVAL_MS + 1000);
    await rm(hubArea);
    await until(async () => (await types('broadcast')).includes('NodeUp'), 2 * INTERVAL_MS + 1000);
    expect(await types('broadcast')).toEqual(['NodeDown', 'NodeUp']);
  });

  test('route × role: admins, operators, auditors and viewers read the nodes; a connector does not', async () => {
    const expected = { admin: 200, operator: 200, auditor: 200, viewer: 200, connector: 403 } as const;
    for (const [role, status] of Object.entries(expected) as Array<[keyof typeof expected, number]>) {
      const res = await gw.request({ url: '/v1/nodes', headers: gw.as(role) });
      expect([role, res.statusCode]).toEqual([role, status]);
    }
    expect((await gw.request({ url: '/v1/nodes' })).statusCode).toBe(401);
  });

  test('the probe says what failed; nothing is left behind in .mxhub', async () => {
    expect(await probeNode({ id: 'news', root: roots.news! })).toEqual([]);
    expect(await probeNode({ id: 'x', root: join(dir, 'absent') })).toEqual([
      { path: join(dir, 'absent'), why: 'statfs failed (ENOENT)' },
    ]);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(roots.news!, '.mxhub'))).filter((f) => f.startsWith('probe-'))).toEqual([]);
  });
});
