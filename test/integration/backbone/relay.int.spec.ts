import { createInProcessBackbone } from '../../../events/backbone/adapters/in-process';
import type { Backbone } from '../../../events/backbone/backbone';
import { createRelay, relayHolder } from '../../../events/backbone/relay';
import { createPgSql } from '../../../lib/db/adapters/pg';
import type { StoredEvent } from '../../../events/envelope';
import { createPostgresEventStore } from '../../../events/store/adapters/postgres';
import type { EventStore } from '../../../events/store/event-store';
import { detected } from '../../support/events';
import { createTestSql, type TestSql } from '../../support/pg';
import { until } from './support';

jest.setTimeout(60_000);

/** An in-process backbone whose first `failures` publishes throw; records every attempt. */
function flakyBackbone(failures: number) {
  const inner = createInProcessBackbone();
  const attempts: Array<{ ok: boolean; ids: string[]; last: bigint }> = [];
  const backbone: Backbone = {
    ...inner,
    async publish(events: StoredEvent[]) {
      const ok = attempts.filter((a) => !a.ok).length >= failures;
      attempts.push({ ok, ids: events.map((e) => e.id), last: events[events.length - 1]!.position });
      if (!ok) throw new Error('broker away');
      await inner.publish(events);
    },
  };
  return { backbone, attempts };
}

describe('relay (PostgreSQL store, in-process backbone)', () => {
  let db: TestSql;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestSql('postgres');
    store = createPostgresEventStore(db.sql);
  });

  afterAll(async () => {
    await store?.close();
    await db?.dispose();
  });

  const appendEach = (streams: number, rounds: number) =>
    (async () => {
      for (let r = 0; r < rounds; r++) {
        await Promise.all(Array.from({ length: streams }, (_, s) => store.append(`asset-f${s}`, [detected(`f${s}`)])));
      }
    })();

  it('retries a failing publish with the same batch, and moves the checkpoint only once it went through', async () => {
    await appendEach(10, 10);
    const { backbone, attempts } = flakyBackbone(3);
    const relay = createRelay({ sql: db.sql, store, backbone, name: 'flaky', batchSize: 30, maxBackoffMs: 50 });
    let sawUnhealthy = false;
    relay.start();
    const head = await store.headPosition();
    await until(
      async () => {
        sawUnhealthy ||= !relay.status().healthy;
        const [row] = await db.sql.query<{ position: string }>(
          `select position::text as position from mx_checkpoints where name = 'flaky'`,
        );
        // The checkpoint never runs ahead of what the backbone acknowledged.
        const acknowledged = attempts.filter((a) => a.ok).reduce((max, a) => (a.last > max ? a.last : max), 0n);
        expect(BigInt(row?.position ?? '0')).toBeLessThanOrEqual(acknowledged);
        return relay.status().position === head;
      },
      30_000,
      'relay catching up',
    );
    await relay.stop();

    expect(sawUnhealthy).toBe(true);
    expect(attempts.slice(0, 4).map((a) => a.ids)).toEqual(Array(4).fill(attempts[0]!.ids));
    const published = attempts.filter((a) => a.ok).flatMap((a) => a.ids);
    expect(published).toEqual((await store.readAll({ limit: 1000 })).map((e) => e.id));
    expect(relay.status()).toEqual({ active: false, position: head, healthy: true });
    await backbone.close();
  });

  it('resumes after a restart from its checkpoint, publishing only what came after', async () => {
    const before = await store.headPosition();
    const { backbone, attempts } = flakyBackbone(0);
    await appendEach(3, 2);
    const relay = createRelay({ sql: db.sql, store, backbone, name: 'flaky' });
    relay.start();
    const head = await store.headPosition();
    await until(() => relay.status().position === head, 30_000, 'relay catching up');
    await relay.stop();

    const published = attempts.flatMap((a) => a.ids);
    expect(published).toEqual((await store.readAll({ after: before, limit: 1000 })).map((e) => e.id));
    expect(published).toHaveLength(6);
    await backbone.close();
  });

  it('another process sees the active relay by its lock (mxhub status on a production hub it does not run)', async () => {
    const { backbone } = flakyBackbone(0);
    const relay = createRelay({ sql: db.sql, store, backbone });
    const other = createPgSql({ connectionString: db.connectionString! });
    try {
      expect(await relayHolder(other)).toBeNull();
      relay.start();
      await until(() => relay.status().active, 30_000, 'relay taking its lock');
      const pid = await relayHolder(other);
      expect(typeof pid).toBe('number');
      const [own] = await other.query<{ pid: number }>('select pg_backend_pid() as pid');
      expect(pid).not.toBe(own!.pid);
      await relay.stop();
      expect(await relayHolder(other)).toBeNull();
    } finally {
      await relay.stop();
      await other.close();
      await backbone.close();
    }
  });
});
