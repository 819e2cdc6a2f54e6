import { createKafkaBackbone } from '../../../events/backbone/adapters/kafka';
import type { Backbone } from '../../../events/backbone/backbone';
import { createRelay } from '../../../events/backbone/relay';
import type { NewEvent } from '../../../events/envelope';
import { createPostgresEventStore } from '../../../events/store/adapters/postgres';
import type { EventStore } from '../../../events/store/event-store';
import { uuidv7 } from '../../../lib/ids';
import { detected, meta } from '../../support/events';
import { createTestSql, type TestSql } from '../../support/pg';
import {
  ensureBroker,
  expectStreamOrder,
  rawKafka,
  randomName,
  readAllMessages,
  sharedBroker,
  storedEvent,
  until,
} from './support';

jest.setTimeout(120_000);

const prefix = `${randomName('mxtest.relay-')}.`;
const topics = [`${prefix}asset`, `${prefix}transfer`];

const resumed = (transferId: string): NewEvent => ({
  id: uuidv7(),
  type: 'TransferResumed',
  data: { transferId },
  metadata: meta(),
});

/** Appends `perStream` events to each stream, the streams concurrently, one event per append. */
async function appendStreams(store: EventStore, streams: string[], perStream: number): Promise<void> {
  await Promise.all(
    streams.map(async (streamId) => {
      const id = streamId.slice(streamId.indexOf('-') + 1);
      for (let i = 0; i < perStream; i++) {
        await store.append(streamId, [streamId.startsWith('asset-') ? detected(id) : resumed(id)]);
      }
    }),
  );
}

describe('relay from the PostgreSQL store to Kafka', () => {
  let db: TestSql;
  let store: EventStore;
  let backbone: Backbone;

  beforeAll(async () => {
    await ensureBroker();
    db = await createTestSql('postgres');
    store = createPostgresEventStore(db.sql);
    backbone = createKafkaBackbone({ brokers: [sharedBroker.broker], topicPrefix: prefix, partitions: 6 });
  });

  afterAll(async () => {
    await backbone?.close();
    await store?.close();
    await db?.dispose();
    const admin = rawKafka(sharedBroker.broker).admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes every committed event exactly once, each stream in order, keyed by stream with id, type and correlation headers', async () => {
    const relay = createRelay({ sql: db.sql, store, backbone, batchSize: 64 });
    relay.start();
    const streams = [
      ...Array.from({ length: 30 }, (_, i) => `asset-a${i}`),
      ...Array.from({ length: 10 }, (_, i) => `transfer-t${i}`),
    ];
    await appendStreams(store, streams, 10);
    const head = await store.headPosition();

    await until(() => relay.status().position === head, 60_000, 'relay reaching the head');
    await relay.stop();

    const stored = await store.readAll({ limit: 10_000 });
    const messages = await readAllMessages(sharedBroker.broker, topics);
    expect(stored).toHaveLength(400);
    expect(messages).toHaveLength(stored.length);
    expect(new Set(messages.map((m) => m.event.id)).size).toBe(stored.length);
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const m of messages) {
      const e = byId.get(String(m.event.id))!;
      expect(m.topic).toBe(`${prefix}${e.streamId.split('-')[0]}`);
      expect(m.key).toBe(e.streamId);
      expect(m.event.position).toBe(e.position.toString());
      expect(m.headers).toEqual({ 'event-id': e.id, 'event-type': e.type, 'correlation-id': e.metadata.correlationId });
    }
    for (const topic of topics) {
      for (let p = 0; p < 6; p++) {
        expectStreamOrder(
          messages
            .filter((m) => m.topic === topic && m.partition === p)
            .map((m) => m.event as { streamId: string; version: number }),
        );
      }
    }
    const [checkpoint] = await db.sql.query<{ position: string }>(
      `select position::text as position from mx_checkpoints where name = 'relay'`,
    );
    expect(checkpoint?.position).toBe(head.toString());
    expect(relay.status()).toEqual({ active: false, position: head, healthy: true });
  });

  it('runs one relay per name: a second one waits on standby, then takes over from the checkpoint without re-publishing', async () => {
    const before = (await readAllMessages(sharedBroker.broker, topics)).length;
    const first = createRelay({ sql: db.sql, store, backbone, name: 'relay', standbyRetryMs: 100 });
    const second = createRelay({ sql: db.sql, store, backbone, name: 'relay', standbyRetryMs: 100 });
    first.start();
    await until(() => first.status().active, 10_000, 'first relay active');
    second.start();
    await appendStreams(store, ['asset-s1', 'asset-s2'], 5);
    await until(async () => first.status().position === (await store.headPosition()), 30_000, 'first relay caught up');
    expect(second.status().active).toBe(false);

    await first.stop();
    await until(() => second.status().active, 10_000, 'second relay taking over');
    await appendStreams(store, ['transfer-s3'], 5);
    const head = await store.headPosition();
    await until(() => second.status().position === head, 30_000, 'second relay caught up');
    await second.stop();

    expect((await readAllMessages(sharedBroker.broker, topics)).length).toBe(before + 15);
  });

  it('redelivers an event whose handler threw, before the rest of its stream', async () => {
    const seen: string[] = [];
    let failed = false;
    const stored = await store.readAll({ category: 'transfer', limit: 10_000 });
    const victim = stored[3]!;
    const consumer = await backbone.consume(
      { groupId: randomName('mxtest-redeliver-'), categories: ['transfer'] },
      async (e) => {
        if (e.id === victim.id && !failed) {
          failed = true;
          throw new Error('transient failure');
        }
        seen.push(e.id);
      },
    );
    try {
      await until(() => seen.length >= stored.length, 60_000, 'all transfer events consumed');
    } finally {
      await consumer.stop();
    }
    expect(failed).toBe(true);
    expect(seen.filter((id) => id === victim.id)).toHaveLength(1);
    expect(new Set(seen)).toEqual(new Set(stored.map((e) => e.id)));
    const victimStream = seen.filter((id) => stored.find((e) => e.id === id)!.streamId === victim.streamId);
    expect(victimStream).toEqual(stored.filter((e) => e.streamId === victim.streamId).map((e) => e.id));
  });
});

describe('Kafka backbone without a broker', () => {
  it('fails publish with UnavailableError naming the brokers, and reports unhealthy', async () => {
    const backbone = createKafkaBackbone({ brokers: ['127.0.0.1:1'], publishRetries: 0, healthTimeoutMs: 500 });
    try {
      await expect(backbone.publish([storedEvent('asset-x', 1, 1n)])).rejects.toMatchObject({
        code: 'MXHUB_ERR_UNAVAILABLE',
        message: expect.stringContaining('Kafka brokers 127.0.0.1:1'),
      });
      expect(await backbone.healthy()).toBe(false);
    } finally {
      await backbone.close();
    }
  });
});
