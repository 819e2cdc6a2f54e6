import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import { createInProcessBackbone } from '../../events/backbone/adapters/in-process';
import { createKafkaBackbone } from '../../events/backbone/adapters/kafka';
import type { CleanupStack } from '../../lib/cleanup-stack';
import { UnavailableError } from '../../lib/errors';
import { createBullMqWorkQueue } from '../../lib/work-queue/adapters/bullmq';
import { createInProcessWorkQueue } from '../../lib/work-queue/adapters/in-process';
import type { WorkQueue } from '../../lib/work-queue/work-queue';
import type { HubConfig } from '../config';

/** Kafka in production (refused by name when unreachable), the in-process backbone otherwise. */
export async function openBackbonePart(config: HubConfig, logger: Logger, stack: CleanupStack): Promise<Backbone> {
  if (!config.kafka) {
    const backbone = createInProcessBackbone();
    stack.defer('backbone', () => backbone.close());
    return backbone;
  }
  const kafka = createKafkaBackbone({ ...config.kafka, logger: logger.child({ component: 'kafka' }) });
  stack.defer('backbone', () => kafka.close());
  if (!(await kafka.healthy())) throw new UnavailableError(`Kafka at ${config.kafka.brokers.join(',')}`);
  return kafka;
}

/** Opens a work queue of the profile: BullMQ on Redis shared by every hub process, or in-process. */
export type OpenQueue = <T>(name: string) => WorkQueue<T>;

/** Queues the profile asks for; whoever opens one registers its close (the services close theirs on stop). */
export function queueOpener(config: HubConfig, logger: Logger): OpenQueue {
  return <T>(name: string): WorkQueue<T> => {
    if (!config.redisUrl) return createInProcessWorkQueue<T>(name);
    return createBullMqWorkQueue<T>(name, {
      connection: config.redisUrl,
      prefix: config.queuePrefix,
      logger: logger.child({ queue: name }),
    });
  };
}
