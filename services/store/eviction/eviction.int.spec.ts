import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { storeProjection } from '../read-model/projection';
import { createReplicaQueries } from '../read-model/queries';
import { createEvictor } from './evictor';

const MB = 1_000_000;
const SHA = 'c'.repeat(64);
const logger = pino({ level: 'silent' });

/**
 * Eviction on both profiles: cached replicas (real files) on a node whose
 * statfs says it is past its high watermark, the store's projection fed the
 * log, one round of the evictor.
 */
describe.each(['postgres', 'pglite'] as const)('eviction on %s (issue 13 item 4)', (kind) => {
  let gw: TestGateway;
  let base: string;
  let runner: ProjectionRunner;
  let second = 0;
  let usedBytes = 95 * MB;
  const ids: Record<string, string> = {};
  const cachePath = (name: string) => join(base, 'archive', 'cache', `${name}.mxf`);

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }
  const at = () => new Date(Date.UTC(2026, 11, 2, 10, 0, second++)).toISOString();
  const event = (assetId: string, type: string, data: object): NewEvent => ({
    id: uuidv7(),
    type,
    data: { assetId, ...data },
    metadata: { correlationId: assetId, causationId: assetId, actor: 'test', occurredAt: at() },
  });

  /** An asset with a cached 5 MB replica on archive (a real file and its sidecar), and an origin on news unless `only`. */
  async function cachedAsset(name: string, only = false): Promise<void> {
    const assetId = (ids[name] = uuidv7());
    await mkdir(join(base, 'archive', 'cache'), { recursive: true });
    await writeFile(cachePath(name), name);
    await writeFile(cachePath(name).replace(/\.mxf$/, '.xml'), '<sidecar/>');
    const stored = (network: string, path: string, k: string) =>
      event(assetId, 'ReplicaStored', { network, path, sha256: SHA, kind: k, sizeBytes: 5 * MB });
    await gw.store.append(`asset-${assetId}`, [
      event(assetId, 'AssetDetected', {
        sourceNetwork: 'news',
        targets: [],
        originalName: `${name}.mxf`,
        sizeBytes: 5 * MB,
      }),
      ...(only ? [] : [stored('news', `/n/news/.mxhub/staging/${assetId}/${name}.mxf`, 'origin')]),
      stored('archive', cachePath(name), 'cached'),
    ]);
  }
  const readNow = (name: string) =>
    gw.store.append(`asset-${ids[name]}`, [
      event(ids[name]!, 'AssetRead', { network: 'archive', path: cachePath(name), bytes: 1 }),
    ]);

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mx-evict-'));
    gw = await startTestGateway(kind);
    runner = createProjectionRunner({ sql: gw.deps.sql, store: gw.store, projections: [storeProjection], logger });
    for (const name of ['never', 'old', 'lonely', 'middle', 'recent']) await cachedAsset(name, name === 'lonely');
    // Read in this order: old, lonely, middle, recent; 'never' was never read and was stored first.
    for (const name of ['old', 'lonely', 'middle', 'recent']) await readNow(name);
    await project();
  }, 60_000);

  afterAll(async () => {
    await gw?.dispose();
    await rm(base, { recursive: true, force: true });
  });

  const evictor = () =>
    createEvictor({
      store: gw.store,
      queries: createReplicaQueries(gw.deps.sql),
      networks: [{ id: 'archive', root: join(base, 'archive'), capacity: { highWatermark: 90, lowWatermark: 80 } }],
      isUp: () => true,
      space: async () => ({ capacityBytes: 100 * MB, usedBytes, freeBytes: 100 * MB - usedBytes }),
      logger,
    });

  test('past the high mark: least recently read cached replicas go down to the low mark, never the last good one', async () => {
    // 95 MB used of 100, low mark 80: 15 MB to free, three 5 MB replicas.
    expect(await evictor().round()).toEqual({ archive: 3 });
    await project();
    const evicted = (await gw.store.readAll({ types: ['ReplicaEvicted'] })).map(
      (e) => (e.data as { path: string }).path,
    );
    expect(evicted).toEqual([cachePath('never'), cachePath('old'), cachePath('middle')]);
    for (const name of ['never', 'old', 'middle']) {
      expect(existsSync(cachePath(name))).toBe(false);
      expect(existsSync(cachePath(name).replace(/\.mxf$/, '.xml'))).toBe(false);
    }
    for (const name of ['lonely', 'recent']) expect(existsSync(cachePath(name))).toBe(true);
    const states = await gw.deps.sql.query<{ path: string; state: string }>(
      `select path, state from rm_replicas where network = 'archive' order by path`,
    );
    expect(Object.fromEntries(states.map((s) => [s.path, s.state]))).toEqual({
      [cachePath('lonely')]: 'ok',
      [cachePath('middle')]: 'evicted',
      [cachePath('never')]: 'evicted',
      [cachePath('old')]: 'evicted',
      [cachePath('recent')]: 'ok',
    });
  });

  test('at or under the high mark nothing goes', async () => {
    usedBytes = 90 * MB;
    expect(await evictor().round()).toEqual({ archive: 0 });
    expect(existsSync(cachePath('recent'))).toBe(true);
  });
});
