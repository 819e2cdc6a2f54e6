// Relay throughput to Kafka: N events already in a PostgreSQL store are
// published by the relay (read, publish, checkpoint), then the same payloads
// by a bare kafkajs producer with the same settings and batch size. The ratio
// is what the relay's reads and checkpoints cost on top of producing.
//
//   node bin/run-ts.js bench/relay/run.ts [--events 20000] [--batch 500]
//
// Needs PostgreSQL (MXHUB_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
// a random database is created and dropped) and Kafka (KAFKA_BROKER, default
// 127.0.0.1:19092; `bash ops/kafka/start.sh`).
import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createKafkaBackbone } from '../../events/backbone/adapters/kafka';
import { createRelay } from '../../events/backbone/relay';
import { toJson, type NewEvent } from '../../events/envelope';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import { createPgSql } from '../../lib/db/adapters/pg';
import { uuidv7 } from '../../lib/ids';
import { migrateLatest } from '../../migrations/run';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('events', 20_000);
const BATCH = arg('batch', 500);
const PARTITIONS = 6;
const STREAMS = 200;
const pgUrl = process.env.MXHUB_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const broker = process.env.KAFKA_BROKER ?? '127.0.0.1:19092';

async function adminQuery(text: string): Promise<void> {
  const c = new Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(text);
  await c.end();
}

function event(stream: number, n: number): NewEvent {
  return {
    id: uuidv7(),
    type: 'AssetDetected',
    data: {
      assetId: `b${stream}`,
      sourceNetwork: 'news',
      targets: ['broadcast'],
      originalName: `clip-${n}.mxf`,
      sizeBytes: 1_000_000 + n,
    },
    metadata: {
      correlationId: `corr-${stream}`,
      causationId: 'bench',
      actor: 'service:bench',
      occurredAt: new Date(0).toISOString(),
    },
  };
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

async function main(): Promise<void> {
  const dbName = `mx_bench_${randomBytes(5).toString('hex')}`;
  const prefix = `mxbench.${randomBytes(4).toString('hex')}.`;
  await adminQuery(`create database ${dbName}`);
  const sql = createPgSql({ connectionString: pgUrl.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`) });
  const kafka = new Kafka({ brokers: [broker], clientId: 'mxhub-bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await migrateLatest(sql);
    const store = createPostgresEventStore(sql);
    process.stdout.write(`appending ${N} events to ${STREAMS} streams... `);
    for (let done = 0; done < N;) {
      const appends = [];
      for (let s = 0; s < STREAMS && done < N; s++) {
        const first = done;
        const count = Math.min(10, N - done);
        appends.push(
          store.append(
            `asset-b${s}`,
            Array.from({ length: count }, (_, i) => event(s, first + i)),
          ),
        );
        done += count;
      }
      await Promise.all(appends);
    }
    const head = await store.headPosition();
    console.log('done');

    const backbone = createKafkaBackbone({ brokers: [broker], topicPrefix: `${prefix}relay.`, partitions: PARTITIONS });
    // Warm-up (connect, create the topic) outside the measurement, as for the raw producer below.
    await backbone.publish(await store.readAll({ limit: 1 }));
    const relay = createRelay({ sql, store, backbone, batchSize: BATCH, name: 'bench' });
    const relayStart = performance.now();
    relay.start();
    while (relay.status().position !== head) await new Promise((r) => setTimeout(r, 2));
    const relayMs = performance.now() - relayStart;
    await relay.stop();
    await backbone.close();

    // The same payloads, read up front so only producing is timed.
    const batches = [];
    for (let after = 0n; ;) {
      const batch = await store.readAll({ after, limit: BATCH });
      if (batch.length === 0) break;
      batches.push(batch);
      after = batch[batch.length - 1]!.position;
    }
    const rawTopic = `${prefix}raw.asset`;
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: PARTITIONS }], waitForLeaders: true });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const rawStart = performance.now();
    for (const batch of batches) {
      const messages = batch.map((e) => ({
        key: e.streamId,
        value: JSON.stringify(toJson(e)),
        headers: { 'event-id': e.id, 'event-type': e.type, 'correlation-id': e.metadata.correlationId },
      }));
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: rawTopic, messages }] });
    }
    const rawMs = performance.now() - rawStart;
    await producer.disconnect();

    const relayRate = rate(N, relayMs);
    const rawRate = rate(N, rawMs);
    console.log(`events ${N}, batch ${BATCH}, partitions ${PARTITIONS}, broker ${broker}`);
    console.log(`relay (store -> Kafka, checkpointed): ${relayRate} events/s (${Math.round(relayMs)} ms)`);
    console.log(`raw kafkajs sendBatch:                ${rawRate} events/s (${Math.round(rawMs)} ms)`);
    console.log(`relay / raw: ${(relayRate / rawRate).toFixed(2)}`);
    await store.close();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
    await sql.close();
    await adminQuery(`drop database if exists ${dbName} with (force)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
