import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import { startScreeningHub, writeHubConfig, type EventJson, type ScreeningHub } from '../screening/support';
import {
  checkInbox,
  dropWav,
  ensureProductionServices,
  eventsOf,
  productionKeys,
  uniqueName,
  waitForTransfers,
  type SourceFile,
} from './support';
import { deleteRedisKeys } from './redis';

const FILES = 200;

/** Occurrences of each value of `key` in `events`, keeping only those seen more than once. */
function repeated(events: EventJson[], key: (e: EventJson) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}

describe('scale-out: two hub processes on the same PostgreSQL, Redis and Kafka', () => {
  const root = mkdtempSync(join(tmpdir(), 'mxhub-scale-out-'));
  const shared = join(root, 'networks');
  const prefix = uniqueName('scale');
  let db: TestDatabase;
  const hubs: ScreeningHub[] = [];

  beforeAll(async () => {
    await ensureProductionServices();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const h of hubs) if (h.hub.child.exitCode === null) await h.hub.stop();
    await db?.drop();
    deleteRedisKeys(prefix);
    rmSync(root, { recursive: true, force: true });
  });

  test('200 transfers: each runs exactly once, and both processes do work', async () => {
    const networks = ['news', 'broadcast', 'archive'].map((id) => ({ id, root: join(shared, id) }));
    // Few channels per process: neither process can take the whole queue at once, so both must pull from it.
    const extra = {
      ...productionKeys(db, prefix),
      networks,
      transfer: { channels: { urgent: 1, normal: 3 } },
    };
    for (const name of ['a', 'b']) {
      const dataDir = join(root, `hub-${name}`);
      mkdirSync(dataDir);
      hubs.push(await startScreeningHub(dataDir, writeHubConfig(dataDir, { extra })));
    }
    const pids = hubs.map((h) => h.hub.child.pid!);

    const sources: SourceFile[] = [];
    for (let i = 0; i < FILES; i += 1) {
      sources.push(await dropWav(join(shared, 'news', 'drop', 'broadcast'), `scale-${i}.wav`, 1 + (i % 4)));
    }

    const [a] = hubs;
    const transfers = await waitForTransfers(() => a!, FILES, 170_000);
    expect(transfers.filter((t) => t.state !== 'succeeded')).toEqual([]);
    expect(transfers).toHaveLength(FILES);
    expect(new Set(transfers.map((t) => t.assetId)).size).toBe(FILES);

    const requested = await eventsOf(a!, 'TransferRequested');
    const completed = await eventsOf(a!, 'TransferCompleted');
    const replicas = (await eventsOf(a!, 'ReplicaStored')).filter((e) => e.data.network === 'broadcast');
    const started = await eventsOf(a!, 'TransferStarted');
    // Exactly once: one request per asset, one completion per transfer, one replica per asset and network.
    expect(requested).toHaveLength(FILES);
    expect(repeated(requested, (e) => `${String(e.data.assetId)}>${String(e.data.targetNetwork)}`)).toEqual([]);
    expect(completed).toHaveLength(FILES);
    expect(repeated(completed, (e) => String(e.data.transferId))).toEqual([]);
    expect(replicas).toHaveLength(FILES);
    expect(repeated(replicas, (e) => `${String(e.data.assetId)}>${String(e.data.network)}`)).toEqual([]);
    // Nothing crashed, so no transfer needed a second start.
    expect(repeated(started, (e) => String(e.data.transferId))).toEqual([]);
    expect(await checkInbox(join(shared, 'broadcast', 'inbox'), sources)).toEqual([]);

    // Both processes did work: TransferStarted names the worker as <hostname>:<pid>.
    const byPid = pids.map((pid) => started.filter((e) => String(e.data.worker).endsWith(`:${pid}`)).length);
    expect({ pids, starts: byPid, total: started.length }).toEqual({
      pids,
      starts: [expect.any(Number), expect.any(Number)],
      total: FILES,
    });
    expect(byPid[0]! + byPid[1]!).toBe(FILES);
    expect(Math.min(...byPid)).toBeGreaterThan(0);

    // The other process reads the same log.
    expect((await eventsOf(hubs[1]!, 'TransferCompleted')).length).toBe(FILES);
    for (const h of hubs.splice(0)) expect(await h.hub.stop()).toBe(0);
  }, 240_000);
});
