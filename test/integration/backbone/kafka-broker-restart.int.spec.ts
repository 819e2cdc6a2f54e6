import path from 'node:path';
import { rm } from 'node:fs/promises';
import { createKafkaBackbone } from '../../../events/backbone/adapters/kafka';
import type { Backbone, BackboneConsumer } from '../../../events/backbone/backbone';
import { createDedupingHandler } from '../../../events/backbone/dedupe';
import { createRelay, type Relay } from '../../../events/backbone/relay';
import { createPostgresEventStore } from '../../../events/store/adapters/postgres';
import type { EventStore } from '../../../events/store/event-store';
import { detected } from '../../support/events';
import { createTestSql, type TestSql } from '../../support/pg';
import {
  ensureBroker,
  expectStreamOrder,
  kafkaScript,
  randomName,
  readAllMessages,
  until,
  type TestBroker,
} from './support';

jest.setTimeout(240_000);

// A broker of its own (ops/kafka with another run dir and ports): restarting
// the shared one would pull it from under test files running in parallel.
const runDir = path.resolve(__dirname, '../../../ops/kafka/run/restart-test');
const target: TestBroker = {
  broker: '127.0.0.1:19192',
  env: { ...process.env, KAFKA_RUN_DIR: runDir, KAFKA_PORT: '19192', KAFKA_CONTROLLER_PORT: '19193' },
};
const prefix = `${randomName('mxtest.restart-')}.`;
const STREAMS = 40;
const MIN_ROUNDS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('relay and consumer across a broker restart', () => {
  let db: TestSql;
  let store: EventStore;
  let backbone: Backbone;
  let relay: Relay;
  let consumer: BackboneConsumer | undefined;

  beforeAll(async () => {
    // This broker is the test's own, so it starts it even in CI (where a failure fails the test).
    await ensureBroker(target, true);
    db = await createTestSql('postgres');
    await db.sql.query(
      'create table restart_effects (seq bigserial primary key, event_id uuid not null, stream_id text not null, version int not null)',
    );
    store = createPostgresEventStore(db.sql);
    backbone = createKafkaBackbone({
      brokers: [target.broker],
      topicPrefix: prefix,
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: 10_000,
    });
    relay = createRelay({ sql: db.sql, store, backbone, batchSize: 50, maxBackoffMs: 1000 });
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await backbone?.close();
    await store?.close();
    await db?.dispose();
    await kafkaScript('stop', target);
    await rm(runDir, { recursive: true, force: true });
  });

  it('loses nothing, and after dedupe handles every event exactly once, in stream order', async () => {
    const handler = createDedupingHandler(db.sql, 'restart-test', async (e, tx) => {
      await tx.query('insert into restart_effects (event_id, stream_id, version) values ($1, $2, $3)', [
        e.id,
        e.streamId,
        e.version,
      ]);
    });
    consumer = await backbone.consume({ groupId: randomName('mxtest-restart-'), categories: ['asset'] }, handler);
    relay.start();

    // The writer keeps appending until the broker is back, so the relay is publishing while it is away.
    let outageOver = false;
    let relayFailedDuringOutage = false;
    const writer = (async () => {
      for (let round = 0; round < MIN_ROUNDS || !outageOver; round++) {
        await Promise.all(Array.from({ length: STREAMS }, (_, s) => store.append(`asset-r${s}`, [detected(`r${s}`)])));
        await sleep(200);
      }
    })();
    const outage = (async () => {
      await sleep(2000);
      let stopped = false;
      const stopping = kafkaScript('stop', target).then(() => (stopped = true));
      let downSince: number | undefined;
      while (downSince === undefined || Date.now() - downSince < 3000) {
        relayFailedDuringOutage ||= !relay.status().healthy;
        if (stopped) downSince ??= Date.now();
        await sleep(50);
      }
      await stopping;
      await kafkaScript('start', target);
      outageOver = true;
    })();
    await Promise.all([writer, outage]);

    const total = Number((await db.sql.query<{ n: string }>('select count(*)::text as n from mx_events'))[0]!.n);
    const head = await store.headPosition();
    await until(() => relay.status().position === head, 120_000, 'relay publishing everything');
    const count = async () =>
      Number((await db.sql.query<{ n: string }>('select count(*)::text as n from restart_effects'))[0]!.n);
    await until(async () => (await count()) >= total, 120_000, 'consumer handling everything');
    await sleep(1000); // room for a late redelivery to show up

    expect(relayFailedDuringOutage).toBe(true);
    expect(relay.status()).toMatchObject({ active: true, healthy: true });
    const effects = await db.sql.query<{ event_id: string; stream_id: string; version: number }>(
      'select event_id, stream_id, version from restart_effects order by seq',
    );
    expect(total).toBeGreaterThanOrEqual(STREAMS * MIN_ROUNDS);
    expect(effects).toHaveLength(total);
    expect(new Set(effects.map((r) => r.event_id)).size).toBe(total);
    expectStreamOrder(effects.map((r) => ({ streamId: r.stream_id, version: r.version })));
    const [consumed] = await db.sql.query<{ n: string }>(
      `select count(*)::text as n from mx_consumed_events where consumer = 'restart-test'`,
    );
    expect(Number(consumed!.n)).toBe(total);
    // The topic itself may hold a redelivered batch twice (at least once), never less than everything.
    expect((await readAllMessages(target.broker, [`${prefix}asset`])).length).toBeGreaterThanOrEqual(total);
  });
});
