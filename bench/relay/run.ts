// Relay throughput to Kafka: N events already in a PostgreSQL store are
// published by the relay (read, publish, checkpoint), and the same events by
// a bare kafkajs producer with the same settings, the same batch size and
// the same messages: the adapter's toMessage (key, JSON value, headers) is
// called inside the timing on both sides.
// The ratio is what the relay's reads, checkpoints and bookkeeping cost on
// top of producing.
//
//   node bin/run-ts.js bench/relay/run.ts [--events 50000] [--batch 500] [--rounds 5] [--profile] [--only relay|raw]
//
// Each round relays the whole log again under a fresh relay name (so from
// position 0) to fresh topics, and produces it again to a fresh raw topic;
// which side goes first alternates between rounds, and a first round that
// is not counted warms up both (JIT, broker). Both sides run in this one
// Node process, whose CPU time per event is printed beside the rates.
// --profile also splits the relay's time into publishing, reading and
// checkpointing; --only relay|raw runs one side, for a CPU profile
// (node --cpu-prof bin/run-ts.js bench/relay/run.ts --only relay).
//
// Needs PostgreSQL (MXHUB_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
// a random database is created and dropped) and Kafka (KAFKA_BROKER, default
// 127.0.0.1:19092; `bash ops/kafka/start.sh`).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { Backbone } from '../../events/backbone/backbone';
import { createKafkaBackbone, toMessage } from '../../events/backbone/adapters/kafka';
import { createRelay } from '../../events/backbone/relay';
import type { NewEvent, StoredEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import { createPgSql } from '../../lib/db/adapters/pg';
import type { Sql } from '../../lib/db/sql';
import { uuidv7 } from '../../lib/ids';
import { migrateLatest } from '../../migrations/run';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('events', 50_000);
const BATCH = arg('batch', 500);
const ROUNDS = arg('rounds', 5);
const PROFILE = process.argv.includes('--profile');
const ONLY = process.argv.includes('--only')
  ? (process.argv[process.argv.indexOf('--only') + 1] as 'relay' | 'raw')
  : undefined;
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

/** Where the relay's wall time went (--profile). Reads and checkpoint writes overlap publishes. */
interface Profile {
  batches: number;
  readMs: number;
  publishMs: number;
  checkpointMs: number;
  startMs: number;
}

const newProfile = (): Profile => ({ batches: 0, readMs: 0, publishMs: 0, checkpointMs: 0, startMs: 0 });

function timed<A extends unknown[], R>(fn: (...a: A) => Promise<R>, add: (ms: number) => void) {
  return async (...a: A) => {
    const t = performance.now();
    try {
      return await fn(...a);
    } finally {
      add(performance.now() - t);
    }
  };
}

/** Store, backbone and Sql that record how long the relay spends in each. */
function instrument(sql: Sql, store: EventStore, backbone: Backbone, p: Profile) {
  const wrapSession = (s: Sql): Sql => ({
    ...s,
    query: (text, params) =>
      /^\s*insert into mx_checkpoints/.test(text)
        ? timed(s.query.bind(s), (ms) => (p.checkpointMs += ms))(text, params)
        : s.query(text, params),
  });
  return {
    sql: { ...sql, session: (fn) => sql.session((s) => fn(wrapSession(s))) } as Sql,
    store: { ...store, readAll: timed(store.readAll.bind(store), (ms) => (p.readMs += ms)) } as EventStore,
    backbone: {
      ...backbone,
      publish: timed(backbone.publish.bind(backbone), (ms) => {
        p.publishMs += ms;
        p.batches++;
      }),
    } as Backbone,
  };
}

interface SideRun {
  ms: number;
  cpuMs: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const rate = (count: number, ms: number) => (count / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${Math.round(n * 100)}%`;

async function main(): Promise<void> {
  const dbName = `mx_bench_${randomBytes(5).toString('hex')}`;
  const prefix = `mxbench.${randomBytes(4).toString('hex')}.`;
  await adminQuery(`create database ${dbName}`);
  const sql = createPgSql({ connectionString: pgUrl.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`) });
  const kafka = new Kafka({ brokers: [broker], clientId: 'mxhub-bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await migrateLatest(sql);
    await admin.connect();
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
    await sql.query('analyze mx_events');
    const head = await store.headPosition();
    console.log('done');

    // The raw side's events, read up front: only producing (and serialising) is timed.
    const batches: StoredEvent[][] = [];
    for (let after = 0n; ;) {
      const batch = await store.readAll({ after, limit: BATCH });
      if (batch.length === 0) break;
      batches.push(batch);
      after = batch[batch.length - 1]!.position;
    }

    const relaySide = async (round: number, profile: Profile): Promise<SideRun> => {
      const backbone = createKafkaBackbone({
        brokers: [broker],
        topicPrefix: `${prefix}${round}.relay.`,
        partitions: PARTITIONS,
      });
      // Warm-up (connect, create the topic) outside the measurement, as for the raw producer.
      await backbone.publish(await store.readAll({ limit: 1 }));
      const parts = PROFILE ? instrument(sql, store, backbone, profile) : { sql, store, backbone };
      const relay = createRelay({ ...parts, batchSize: BATCH, name: `bench-${round}` });
      let firstPublish: number | undefined;
      const publish = parts.backbone.publish;
      parts.backbone.publish = (events) => ((firstPublish ??= performance.now()), publish(events));
      const cpu = process.cpuUsage();
      const started = performance.now();
      relay.start();
      while (relay.status().position !== head) await sleep(1);
      const ms = performance.now() - started;
      const used = cpuMs(cpu);
      profile.startMs += (firstPublish ?? started) - started;
      await relay.stop();
      await backbone.close();
      return { ms, cpuMs: used };
    };

    const rawSide = async (round: number): Promise<SideRun> => {
      const topic = `${prefix}${round}.raw.asset`;
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (const batch of batches) {
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: batch.map(toMessage) }] });
      }
      const ms = performance.now() - started;
      const used = cpuMs(cpu);
      await producer.disconnect();
      return { ms, cpuMs: used };
    };

    const skipped: SideRun = { ms: Number.NaN, cpuMs: Number.NaN };
    const relayRuns: SideRun[] = [];
    const rawRuns: SideRun[] = [];
    const profile = newProfile();
    // Round 0 is a warm-up (JIT, broker page cache), not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const p = round === 0 ? newProfile() : profile;
      let relayRun: SideRun;
      let rawRun: SideRun;
      if (round % 2 === 0) {
        relayRun = ONLY === 'raw' ? skipped : await relaySide(round, p);
        rawRun = ONLY === 'relay' ? skipped : await rawSide(round);
      } else {
        rawRun = ONLY === 'relay' ? skipped : await rawSide(round);
        relayRun = ONLY === 'raw' ? skipped : await relaySide(round, p);
      }
      if (round === 0) continue;
      relayRuns.push(relayRun);
      rawRuns.push(rawRun);
      console.log(
        `round ${round}: relay ${fmt(rate(N, relayRun.ms))} ev/s, raw ${fmt(rate(N, rawRun.ms))} ev/s, ` +
          `relay/raw ${pct(rawRun.ms / relayRun.ms)}`,
      );
    }

    const sum = (runs: SideRun[], k: keyof SideRun) => runs.reduce((a, r) => a + r[k], 0);
    const relayRate = rate(N * ROUNDS, sum(relayRuns, 'ms'));
    const rawRate = rate(N * ROUNDS, sum(rawRuns, 'ms'));
    const ratios = relayRuns.map((r, i) => rawRuns[i]!.ms / r.ms);
    console.log('');
    console.log(`${fmt(N)} events, batch ${BATCH}, ${PARTITIONS} partitions, ${ROUNDS} rounds, broker ${broker}`);
    console.log('');
    console.log('| side | ev/s | Node CPU ms per 1000 events |');
    console.log('|---|---:|---:|');
    const cpuPer1000 = (runs: SideRun[]) => (sum(runs, 'cpuMs') / (N * ROUNDS)) * 1000;
    console.log(`| relay (store -> Kafka, checkpointed) | ${fmt(relayRate)} | ${cpuPer1000(relayRuns).toFixed(1)} |`);
    console.log(`| raw kafkajs sendBatch | ${fmt(rawRate)} | ${cpuPer1000(rawRuns).toFixed(1)} |`);
    console.log('');
    console.log(
      `relay/raw: ${pct(relayRate / rawRate)}; per round: median ${pct(median(ratios))} ` +
        `(${pct(Math.min(...ratios))}-${pct(Math.max(...ratios))})`,
    );
    if (PROFILE) {
      const total = sum(relayRuns, 'ms');
      const line = (what: string, ms: number) =>
        console.log(
          `  ${what.padEnd(58)} ${fmt(ms / ROUNDS).padStart(6)} ms/round  ${pct(ms / total).padStart(4)}  ` +
            `${(ms / profile.batches).toFixed(2).padStart(6)} ms/batch`,
        );
      console.log(`relay time per round (${fmt(total / ROUNDS)} ms, ${profile.batches / ROUNDS} batches):`);
      line('start (lock, checkpoint row, LISTEN, first read)', profile.startMs);
      line('publish (backbone.publish, awaited)', profile.publishMs);
      line('the rest: awaiting a read or a checkpoint, the loop', total - profile.startMs - profile.publishMs);
      console.log('elapsed in calls that overlap the publishing of a batch:');
      line('readAll (the next batch)', profile.readMs);
      line('checkpoint write (of the batch before)', profile.checkpointMs);
    }
    console.log(
      JSON.stringify({
        events: N,
        batch: BATCH,
        rounds: ROUNDS,
        relayEventsPerSec: Math.round(relayRate),
        rawEventsPerSec: Math.round(rawRate),
        ratio: Number((relayRate / rawRate).toFixed(3)),
        roundRatios: ratios.map((r) => Number(r.toFixed(3))),
      }),
    );
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
