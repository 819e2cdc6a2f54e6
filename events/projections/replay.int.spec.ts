import pino from 'pino';
import { uuidv7 } from '../../lib/ids';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { detected, meta } from '../../test/support/events';
import { createPostgresEventStore } from '../store/adapters/postgres';
import type { EventStore } from '../store/event-store';
import { allProjections, createProjectionRunner } from './index';
import { replayAndCompare } from './replay';

const sha = 'b'.repeat(64);

async function assetLife(store: EventStore, i: number): Promise<void> {
  const assetId = uuidv7();
  const s = `asset-${assetId}`;
  const e = (type: string, data: object) => ({ id: uuidv7(), type, data: { assetId, ...data }, metadata: meta() });
  await store.append(s, [{ ...detected(assetId), data: { ...(detected(assetId).data as object), assetId } }]);
  await store.append(s, [e('AssetIngested', { stagedPath: '/staging/x', sizeBytes: 10, sha256: sha })]);
  await store.append(s, [e('AssetScreened', { stage: 'whitelist', passed: true })]);
  if (i % 3 === 0) {
    await store.append(s, [
      e('AssetQuarantined', { stage: 'antivirus', rule: 'clamav', reason: 'EICAR', quarantinePath: '/q/x' }),
    ]);
    return;
  }
  await store.append(s, [e('AssetCleared', { targets: ['broadcast'] })]);
  const transferId = uuidv7();
  const t = `transfer-${transferId}`;
  const te = (type: string, data: object) => ({ id: uuidv7(), type, data: { transferId, ...data }, metadata: meta() });
  await store.append(t, [
    te('TransferRequested', {
      assetId,
      sourceNetwork: 'news',
      targetNetwork: 'broadcast',
      lane: 'normal',
      priority: 5,
      sizeBytes: 10,
      sha256: sha,
    }),
    te('TransferStarted', { channel: 'normal-1', worker: 'w1', attempt: 1, resumeFrom: 0 }),
    te('TransferVerified', { sha256: sha, bytes: 10 }),
    te('TransferCommitted', { path: '/inbox/x' }),
  ]);
  await store.append(s, [e('ReplicaStored', { network: 'broadcast', path: '/inbox/x', sha256: sha, transferId })]);
  await store.append(t, [te('TransferCompleted', { path: '/inbox/x', sha256: sha, bytes: 10, durationMs: 5 })]);
}

describe('projections and replay', () => {
  let t: TestSql;
  let store: EventStore;

  beforeAll(async () => {
    t = await createTestSql('postgres');
    store = createPostgresEventStore(t.sql);
    for (let i = 0; i < 12; i++) await assetLife(store, i);
  });
  afterAll(async () => {
    await store.close();
    await t.dispose();
  });

  test('live read models follow the log, idempotently, and lag drops to zero', async () => {
    const runner = createProjectionRunner({
      sql: t.sql,
      store,
      projections: allProjections(),
      logger: pino({ level: 'silent' }),
    });
    await runner.catchUp();
    await runner.catchUp();
    const states = await t.sql.query<{ state: string; n: number }>(
      'select state, count(*)::int n from rm_assets group by state order by state',
    );
    // The eight cleared assets were each delivered to their one target (issue 11: the state says where it went).
    expect(states).toEqual([
      { state: 'delivered', n: 8 },
      { state: 'quarantined', n: 4 },
    ]);
    expect(await t.sql.query('select state from rm_transfers where state <> $1', ['succeeded'])).toEqual([]);
    expect((await runner.status()).every((s) => s.lagEvents === 0)).toBe(true);
  });

  test('caughtUp(position) resolves once every projection applied the log up to it, running or not', async () => {
    const runner = createProjectionRunner(
      { sql: t.sql, store, projections: allProjections(), logger: pino({ level: 'silent' }) },
      { pollMs: 5000, caughtUpTimeoutMs: 20_000 },
    );
    await assetLife(store, 200);
    await runner.caughtUp(await store.headPosition());
    expect((await runner.status()).every((s) => s.lagEvents === 0)).toBe(true);
    await runner.start();
    try {
      await assetLife(store, 201);
      const head = await store.headPosition();
      // pollMs is 5 s: caughtUp wakes the loops instead of waiting for their next poll.
      const started = Date.now();
      await runner.caughtUp(head);
      expect(Date.now() - started).toBeLessThan(4000);
      expect((await runner.status()).every((s) => s.position >= head)).toBe(true);
      await runner.caughtUp(head);
    } finally {
      await runner.stop();
    }
  });

  test('caughtUp gives up with an UnavailableError when a projection cannot get there', async () => {
    const stuck = {
      name: `stuck-${uuidv7()}`,
      tables: [],
      handles: 'all' as const,
      apply: async () => {
        throw new Error('this read model is down');
      },
    };
    const runner = createProjectionRunner(
      { sql: t.sql, store, projections: [stuck], logger: pino({ level: 'silent' }) },
      { pollMs: 20, caughtUpTimeoutMs: 300 },
    );
    await runner.start();
    try {
      await expect(runner.caughtUp(await store.headPosition())).rejects.toMatchObject({
        code: 'MXHUB_ERR_UNAVAILABLE',
      });
    } finally {
      await runner.stop();
    }
  });

  test('replayed read models equal the live ones; a tampered live row is reported', async () => {
    const clean = await replayAndCompare({ sql: t.sql, store, projections: allProjections() });
    expect(clean.equal).toBe(true);
    expect(clean.events).toBeGreaterThan(0);
    await t.sql.query(
      `update rm_assets set state = 'cleared' where state = 'quarantined' and asset_id = (select min(asset_id) from rm_assets where state = 'quarantined')`,
    );
    const dirty = await replayAndCompare({ sql: t.sql, store, projections: allProjections() });
    expect(dirty.equal).toBe(false);
    expect(dirty.tables.find((x) => x.table === 'rm_assets')).toMatchObject({ onlyLive: 1, onlyReplay: 1 });
  });

  test('a failing projection keeps its checkpoint and holds up no other; it catches up once it works', async () => {
    let failing = true;
    const flaky = {
      name: `flaky-${uuidv7()}`,
      tables: [],
      handles: 'all' as const,
      apply: async () => {
        if (failing) throw new Error('the flaky read model is down');
      },
    };
    const runner = createProjectionRunner(
      { sql: t.sql, store, projections: [...allProjections(), flaky], logger: pino({ level: 'silent' }) },
      { pollMs: 20, batchSize: 10 },
    );
    const lagOf = async () => new Map((await runner.status()).map((s) => [s.name, s.lagEvents]));
    const until = async (check: (lag: Map<string, number>) => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!check(await lagOf())) {
        if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify([...(await lagOf())])}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await runner.start();
    try {
      for (let i = 100; i < 104; i++) await assetLife(store, i);
      await until(
        (lag) => allProjections().every((p) => lag.get(p.name) === 0) && (lag.get(flaky.name) ?? 0) > 0,
        'the healthy projections at the head while the flaky one is stuck',
      );
      failing = false;
      await until((lag) => lag.get(flaky.name) === 0, 'the flaky projection caught up');
    } finally {
      await runner.stop();
    }
  });
});
