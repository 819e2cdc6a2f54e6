import { Queue } from 'bullmq';
import { describeWorkQueueContract } from '../work-queue.contract';
import { describeWorkQueuePullContract } from '../work-queue-pull.contract';
import { createBullMqWorkQueue, redisOptions } from './bullmq';

const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = 'mxhub-test';

async function obliterate(name: string): Promise<void> {
  const queue = new Queue(name, { connection: redisOptions(REDIS_URL), prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

describeWorkQueueContract(
  'bullmq',
  (name, options) => createBullMqWorkQueue(name, { ...options, connection: REDIS_URL, prefix }),
  obliterate,
);

describeWorkQueuePullContract(
  'bullmq',
  (name, options) => createBullMqWorkQueue(name, { ...options, connection: REDIS_URL, prefix }),
  obliterate,
);
