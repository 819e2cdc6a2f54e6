import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { StoredEvent } from '../../../events/envelope';

const repo = path.resolve(__dirname, '../../..');

export interface TestBroker {
  broker: string;
  /** Environment that points ops/kafka/start.sh and stop.sh at this broker. */
  env: NodeJS.ProcessEnv;
}

/** The shared development broker of ops/kafka. */
export const sharedBroker: TestBroker = {
  broker: `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`,
  env: { ...process.env },
};

/**
 * Runs ops/kafka/start.sh or stop.sh for `target`; rejects with the script's
 * output when it fails. Asynchronous, so a relay keeps running meanwhile.
 */
export function kafkaScript(script: 'start' | 'stop', target: TestBroker): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [path.join(repo, 'ops/kafka', `${script}.sh`)], { env: target.env }, (err, stdout, stderr) =>
      err ? reject(new Error(`ops/kafka/${script}.sh failed (${err.message}):\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
}

/**
 * Makes sure the broker answers. Locally it starts it (start.sh is
 * idempotent) so a test file runs on its own; in CI the suite's
 * ops/test-services.js must have started it, and a missing broker fails the
 * test instead of skipping it.
 */
export async function ensureBroker(target: TestBroker = sharedBroker, startInCi = false): Promise<void> {
  if (process.env.CI !== 'true' || startInCi) await kafkaScript('start', target);
  const admin = rawKafka(target.broker).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    throw new Error(
      `Kafka broker ${target.broker} is not reachable (CI starts it with node ops/test-services.js up): ${String(err)}`,
    );
  } finally {
    await admin.disconnect();
  }
}

/** A kafkajs client for checks that bypass the adapter under test. */
export function rawKafka(broker: string): Kafka {
  return new Kafka({ brokers: [broker], clientId: 'mxhub-test', logLevel: logLevel.NOTHING });
}

/** Each test file gets its own topics and groups (style guide, rule 7). */
export function randomName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  event: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Everything the topics hold, read with a throwaway group; waits until their high watermarks are all read. */
export async function readAllMessages(broker: string, topics: string[]): Promise<RawMessage[]> {
  const kafka = rawKafka(broker);
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  for (const topic of topics) {
    total += (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  }
  await admin.disconnect();

  const out: RawMessage[] = [];
  const consumer = kafka.consumer({ groupId: randomName('mxhub-test-reader-'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => void out.push(decode(topic, partition, message)),
  });
  try {
    await until(() => out.length >= total, 60_000);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

function decode(topic: string, partition: number, m: KafkaMessage): RawMessage {
  const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return { topic, partition, offset: m.offset, key: String(m.key), event: JSON.parse(String(m.value)), headers };
}

/** Polls `check` until it holds; fails after `ms` with `what`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A stored event for adapter tests that do not need a store. */
export function storedEvent(streamId: string, version: number, position: bigint): StoredEvent {
  return {
    id: randomBytes(16)
      .toString('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
    streamId,
    version,
    position,
    type: 'AssetDetected',
    schemaVersion: 1,
    data: { n: version },
    metadata: {
      correlationId: `corr-${streamId}`,
      causationId: 'test',
      actor: 'user:test',
      occurredAt: '2026-11-22T10:00:00.000Z',
    },
    prevHash: '',
    hash: '',
    recordedAt: '2026-11-22T10:00:00.000Z',
  };
}

/** Fails unless, within each stream, versions arrive as 1, 2, 3... */
export function expectStreamOrder(events: Array<{ streamId: string; version: number }>): void {
  const last = new Map<string, number>();
  for (const e of events) {
    const expected = (last.get(e.streamId) ?? 0) + 1;
    if (e.version !== expected) throw new Error(`stream ${e.streamId}: got version ${e.version}, expected ${expected}`);
    last.set(e.streamId, e.version);
  }
}
