import { Queue } from 'bullmq';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sleep } from '../testing';
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

describe('bullmq take: held jobs', () => {
  const name = `wq-${randomUUID()}`;
  const open = () => createBullMqWorkQueue<{ n: number }>(name, { connection: REDIS_URL, prefix, lockDurationMs: 500 });
  afterAll(() => obliterate(name));

  it('keeps a held job past its lock duration (the lock is renewed)', async () => {
    const [holder, other] = [open(), open()];
    try {
      await holder.add({ n: 1 }, { jobId: 'held' });
      const lease = (await holder.take(0))!;
      await sleep(2000);
      expect(await other.take(0)).toBeUndefined();
      await lease.complete();
      expect(await other.state('held')).toBeUndefined();
    } finally {
      await Promise.all([holder.close(), other.close()]);
    }
  });

  it("hands a killed holder's job to another process", async () => {
    const queue = open();
    try {
      await queue.add({ n: 2 }, { jobId: 'orphan' });
      const child = spawn(process.execPath, [
        path.join(__dirname, '../../../bin/run-ts.js'),
        path.join(__dirname, 'bullmq-holder.fixture.ts'),
        REDIS_URL,
        prefix,
        name,
      ]);
      const held = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      expect(held).toBe('held orphan');
      child.kill('SIGKILL');
      expect(await queue.take(0)).toBeUndefined();
      const lease = await queue.take(10_000);
      expect([lease?.job.id, lease?.job.attempt]).toEqual(['orphan', 1]);
      await lease!.complete();
    } finally {
      await queue.close();
    }
  });
});
