import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type Consumer, type LogEntry, type Message, type Producer } from 'kafkajs';
import type { Logger as PinoLogger } from 'pino';
import { ConfigError, UnavailableError } from '../../../lib/errors';
import { categoryOf, toJson, type StoredEvent } from '../../envelope';
import type { Backbone, BackboneConsumer, ConsumeOptions } from '../backbone';

type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface KafkaBackboneOptions {
  /** Bootstrap brokers, `host:port`. Required, at least one. */
  brokers: string[];
  /** Client id the brokers see in their logs and quotas. @default 'mxhub' */
  clientId?: string;
  /** Prepended to the stream category to name a topic (`mxhub.asset`). @default 'mxhub.' */
  topicPrefix?: string;
  /** Partitions of the topics this adapter creates; fixed once created, since the key -> partition map must not move. @default 6 */
  partitions?: number;
  /** Replication factor of created topics; -1 takes the broker's `default.replication.factor`. @default -1 */
  replicationFactor?: number;
  /** Receives the adapter's and kafkajs's own warnings and errors. @default silent */
  logger?: Logger;
  /** Consumer session timeout in ms: how long a silent member keeps its partitions. @default 30000 */
  sessionTimeoutMs?: number;
  /** Consumer heartbeat interval in ms; under a third of the session timeout. @default 3000 */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; idle members only notice a rebalance between fetches. @default 1000 */
  maxWaitTimeMs?: number;
  /** Time `healthy()` allows the broker to describe the cluster. @default 2000 */
  healthTimeoutMs?: number;
  /** Producer retries inside one `publish` before it fails with UnavailableError. @default 5 */
  publishRetries?: number;
}

/** Record batches stay under the broker's default message.max.bytes (1 MiB). */
const MAX_REQUEST_BYTES = 900_000;
/** Errors after which the idempotent producer's sequence state cannot be trusted: start a new producer id. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/**
 * Kafka backbone: one topic per stream category, key = stream id, value =
 * the event's JSON form, headers event-id, event-type, correlation-id.
 *
 * Publishing uses kafkajs's idempotent producer (acks = all, one request in
 * flight: kafkajs does not re-sequence several in-flight batches after a
 * failure, see tulios/kafkajs#980), so its internal retries never duplicate or
 * reorder. When a publish fails anyway, kafkajs rolls back the sequence
 * numbers of the failed request, so the broker drops what it had written of
 * it when the caller re-sends the same events; requests of that publish that
 * were acknowledged before the failure are written again. Delivery is thus at
 * least once, and consumers dedupe by event id.
 *
 * Records that are not events (`publishRecord`) go to `<prefix><category>`
 * with their key and value as given, through the same producer.
 *
 * Consuming: a failing handler is retried in place (backing off, partition
 * blocked) and its offset is not committed until it succeeds, so a crash or
 * rebalance redelivers it. A message that is not an event is logged and skipped.
 */
export function createKafkaBackbone(options: KafkaBackboneOptions): Backbone {
  const o = withDefaults(options);
  const brokersText = `Kafka brokers ${o.brokers.join(', ')}`;
  const kafka = new Kafka({
    brokers: o.brokers,
    clientId: o.clientId,
    // Connection attempts retry as often as a publish does, so an absent broker fails a call instead of stalling it.
    retry: { retries: o.publishRetries },
    logLevel: logLevel.WARN,
    logCreator: () => routeLog(o.logger),
  });
  const admin = kafka.admin({ retry: { retries: 3 } });
  const consumers = new Set<Consumer>();
  const knownTopics = new Set<string>();
  let adminReady: Promise<void> | undefined;
  let producer: Promise<Producer> | undefined;

  const connectAdmin = () =>
    (adminReady ??= admin.connect().catch((err) => ((adminReady = undefined), Promise.reject(err))));

  function getProducer(): Promise<Producer> {
    producer ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Finite, so that publish fails while the broker is away instead of hanging: the caller backs off and re-sends.
        retry: { retries: o.publishRetries },
      });
      await p.connect();
      return p;
    })().catch((err) => ((producer = undefined), Promise.reject(err)));
    return producer;
  }

  async function ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !knownTopics.has(t));
    if (missing.length === 0) return;
    await connectAdmin();
    // Resolves (false) when they exist already, which another process may have just done.
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: o.partitions, replicationFactor: o.replicationFactor })),
    });
    missing.forEach((t) => knownTopics.add(t));
  }

  const topicOf = (streamId: string) => `${o.topicPrefix}${categoryOf(streamId)}`;

  async function publish(events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      const { topics, batches } = requests(events, topicOf);
      await ensureTopics(topics);
      const p = await getProducer();
      for (const topicMessages of batches) await p.sendBatch({ acks: -1, topicMessages });
    } catch (err) {
      throw await afterFailedSend(err);
    }
  }

  /** What a failed send leaves to repair; returns the error to throw. */
  async function afterFailedSend(err: unknown): Promise<unknown> {
    const types = causes(err).map((c) => String((c as { type?: unknown }).type));
    // A topic deleted behind our back is created again by the next attempt.
    if (types.includes('UNKNOWN_TOPIC_OR_PARTITION')) knownTopics.clear();
    if (types.some((t) => PRODUCER_STATE_ERRORS.has(t))) {
      o.logger?.warn({ err }, 'kafka backbone: producer state lost by the broker, starting a new producer id');
      const stale = producer;
      producer = undefined;
      await stale?.then((p) => p.disconnect()).catch(() => undefined);
    }
    return toHubError(brokersText, err);
  }

  async function publishRecord(category: string, key: string, value: string): Promise<void> {
    const topic = `${o.topicPrefix}${category}`;
    try {
      await ensureTopics([topic]);
      const p = await getProducer();
      await p.send({ acks: -1, topic, messages: [{ key, value }] });
    } catch (err) {
      throw await afterFailedSend(err);
    }
  }

  async function consume(
    options: ConsumeOptions,
    handler: (event: StoredEvent) => Promise<void>,
  ): Promise<BackboneConsumer> {
    const topics = options.categories.map((c) => `${o.topicPrefix}${c}`);
    const consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      maxWaitTimeInMs: o.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    let stopping = false;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      o.logger?.error(
        { err: payload.error, groupId: payload.groupId, restart: payload.restart },
        'kafka backbone: consumer crashed',
      );
    });
    try {
      // Create the topics first: subscribing to one that does not exist fails.
      await ensureTopics(topics);
      await consumer.connect();
      consumers.add(consumer);
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        // The partitions of one fetch are handled side by side, each in order (the in-process twin runs a loop
        // per partition): with kafkajs's default of one at a time, a member under load works through its
        // streams one partition after another. kafkajs still awaits a whole fetch before the next one.
        partitionsConsumedConcurrently: o.partitions * topics.length,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const event = fromMessage(message.value);
          if (!event) {
            o.logger?.error(
              { topic, partition, offset: message.offset },
              'kafka backbone: skipping a message that is not an mxhub event',
            );
            return;
          }
          for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
            try {
              return await handler(event);
            } catch (err) {
              if (stopping) throw err;
              o.logger?.warn(
                { err, eventId: event.id, topic, partition, offset: message.offset },
                'kafka backbone: handler failed, retrying',
              );
              await sleep(delay);
              // Throws when the group rebalances: the offset stays uncommitted and the new owner redelivers.
              await heartbeat();
            }
          }
        },
      });
    } catch (err) {
      consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw toHubError(brokersText, err);
    }
    return {
      async stop() {
        stopping = true;
        consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async function healthy(): Promise<boolean> {
    const probe = connectAdmin()
      .then(() => admin.describeCluster())
      .then(
        (c) => c.brokers.length > 0,
        () => false,
      );
    const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, o.healthTimeoutMs, false).unref());
    return Promise.race([probe, timeout]);
  }

  async function close(): Promise<void> {
    const p = producer;
    producer = undefined;
    await Promise.allSettled([
      ...[...consumers].map((c) => c.disconnect()),
      p?.then((x) => x.disconnect()),
      adminReady ? admin.disconnect() : undefined,
    ]);
    consumers.clear();
    adminReady = undefined;
  }

  return { kind: 'kafka', publish, publishRecord, consume, healthy, close };
}

function withDefaults(options: KafkaBackboneOptions) {
  const o = {
    clientId: 'mxhub',
    topicPrefix: 'mxhub.',
    partitions: 6,
    replicationFactor: -1,
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    maxWaitTimeMs: 1_000,
    healthTimeoutMs: 2_000,
    publishRetries: 5,
    ...options,
  };
  if (!Array.isArray(o.brokers) || o.brokers.length === 0)
    throw new ConfigError('kafka backbone: `brokers` needs at least one host:port');
  if (!/^[a-zA-Z0-9._-]*$/.test(o.topicPrefix)) {
    throw new ConfigError(
      `kafka backbone: \`topicPrefix\` "${o.topicPrefix}" may hold only letters, digits, '.', '_' and '-'`,
    );
  }
  if (!Number.isInteger(o.partitions) || o.partitions < 1)
    throw new ConfigError('kafka backbone: `partitions` must be an integer >= 1');
  return o;
}

/**
 * The Kafka message of an event. Key and value go as Buffers, encoded once
 * here (kafkajs would otherwise encode a string key twice: to partition and
 * to write it), and the value's length is its real size in bytes.
 * Exported for bench/relay, whose raw kafkajs baseline sends the same bytes.
 */
export function toMessage(e: StoredEvent): Message & { value: Buffer } {
  return {
    key: Buffer.from(e.streamId),
    value: Buffer.from(JSON.stringify(toJson(e))),
    headers: { 'event-id': e.id, 'event-type': e.type, 'correlation-id': e.metadata.correlationId },
  };
}

function fromMessage(value: Buffer | null): StoredEvent | undefined {
  try {
    const raw = JSON.parse(value?.toString('utf8') ?? '') as Record<string, unknown>;
    if (typeof raw.id !== 'string' || typeof raw.streamId !== 'string' || typeof raw.position !== 'string')
      return undefined;
    return { ...raw, position: BigInt(raw.position) } as unknown as StoredEvent;
  } catch {
    return undefined;
  }
}

/** Produce requests of at most MAX_REQUEST_BYTES each, sent one after the other so order is kept; and the topics they name. */
function requests(
  events: StoredEvent[],
  topicOf: (streamId: string) => string,
): { topics: string[]; batches: Array<Array<{ topic: string; messages: Message[] }>> } {
  const topics = new Set<string>();
  const out: Array<Map<string, Message[]>> = [new Map()];
  let byTopic = out[0]!;
  let bytes = 0;
  for (const e of events) {
    const message = toMessage(e);
    const size = message.value.length + 256;
    if (bytes + size > MAX_REQUEST_BYTES && bytes > 0) {
      out.push((byTopic = new Map()));
      bytes = 0;
    }
    const topic = topicOf(e.streamId);
    topics.add(topic);
    const messages = byTopic.get(topic);
    if (messages) messages.push(message);
    else byTopic.set(topic, [message]);
    bytes += size;
  }
  return {
    topics: [...topics],
    batches: out.map((m) => [...m].map(([topic, messages]) => ({ topic, messages }))),
  };
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Broker unreachable or gave up after retries: UnavailableError (retryable); anything else passes through. */
function toHubError(what: string, err: unknown): unknown {
  const transient = causes(err).some((c) => {
    const e = c as { name?: string; retriable?: boolean };
    return (
      e.retriable === true ||
      e.name === 'KafkaJSNumberOfRetriesExceeded' ||
      /Connection|Timeout|BrokerNotFound|NoBrokerAvailable/.test(e.name ?? '')
    );
  });
  return transient ? new UnavailableError(what, err) : err;
}

function routeLog(logger: Logger | undefined) {
  return ({ namespace, level, log }: LogEntry) => {
    if (!logger) return;
    const { message, ...extra } = log;
    // kafkajs logs retried connection failures as errors; the adapter reports what really failed.
    (level === logLevel.ERROR || level === logLevel.WARN ? logger.warn : logger.debug).call(
      logger,
      { kafkajs: namespace, ...extra },
      message,
    );
  };
}
